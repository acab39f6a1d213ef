"""After approval (SPEC R-OPP-6, R-OPP-10): the delivery manager's review, sending the
version to the customer, and the customer's answer."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.audit.services import audit_record_changes, audit_record_creation, audit_snapshot
from kam.core.versioning import save_bumped
from kam.opportunities.enums import TeamRole
from kam.opportunities.models import Opportunity
from kam.quotes.enums import REVIEWABLE_STATUSES, QuoteStatus
from kam.quotes.models import DeliveryReview, QuoteVersion
from kam.quotes.rules import quote_can_review
from kam.quotes.services.common import (
    AUDITED_FIELDS,
    MAX_TEXT,
    accepted_error,
    accepted_other,
    locked_at,
    require_manage,
    require_status,
)
from kam.users.models import User

REVIEW_FIELDS = ["scope_ok", "workload_days", "price_ok", "comment"]
MAX_WORKLOAD = Decimal("9999999.9")


def _review_clean(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for key in ("scope_ok", "price_ok"):
        value = data.get(key)
        if not isinstance(value, bool):
            errors[key] = [_("请选择是或否。")]
        clean[key] = value
    raw = data.get("workload_days")
    if isinstance(raw, (bool, float)):
        raise TypeError("workload_days must be Decimal or str, not float.")
    try:
        days = (
            raw
            if isinstance(raw, Decimal)
            else Decimal(str(raw if raw is not None else "").strip())
        )
    except InvalidOperation:
        days = None
    if days is None or not days.is_finite():
        errors["workload_days"] = [_("请输入有效的工作量（人天）。")]
    elif days != days.quantize(Decimal("0.1")):
        errors["workload_days"] = [_("工作量最多保留 1 位小数。")]
    elif not Decimal(0) <= days <= MAX_WORKLOAD:
        errors["workload_days"] = [_("工作量不能为负数。")]
    else:
        clean["workload_days"] = days.quantize(Decimal("0.1"))
    clean["comment"] = str(data.get("comment") or "").strip()[:MAX_TEXT]
    if not (clean["scope_ok"] is True and clean["price_ok"] is True) and not clean["comment"]:
        errors.setdefault("comment", [_("评审未通过时请说明原因。")])
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def quote_review_record(
    *, quote: QuoteVersion, actor: User, data: dict[str, Any]
) -> DeliveryReview:
    """The deal's delivery manager judges scope, workload and price of this version (R-OPP-6);
    a later review of the same version replaces the earlier one's verdict."""
    if not quote_can_review(actor, quote.opportunity):
        raise PermissionDenied(_("只有项目组中的交付经理可以评审报价。"))
    locked = QuoteVersion.objects.select_for_update().get(pk=quote.pk)
    require_status(
        locked, *REVIEWABLE_STATUSES, message=_("报价发送之后不能再做交付评审；请生成新版本。")
    )
    review = DeliveryReview.objects.create(quote=locked, reviewer=actor, **_review_clean(data))
    audit_record_creation(instance=review, fields=REVIEW_FIELDS, actor=actor)
    return review


def _valid_review(quote: QuoteVersion) -> DeliveryReview | None:
    """The latest review by someone who is the deal's delivery manager now."""
    managers = quote.opportunity.team_members.filter(role=TeamRole.DELIVERY_MANAGER).values(
        "user_id"
    )
    return (
        DeliveryReview.objects.filter(quote=quote, reviewer_id__in=managers)
        .order_by("-reviewed_at", "-pk")
        .first()
    )


@transaction.atomic
def quote_send(*, quote: QuoteVersion, actor: User, version: int) -> QuoteVersion:
    """Send an approved, delivery-reviewed version; earlier sent or approved versions of the
    deal are superseded by it."""
    require_manage(actor, quote.opportunity)
    Opportunity.objects.select_for_update().filter(pk=quote.opportunity_id).first()
    locked = locked_at(quote, version)
    require_status(
        locked,
        QuoteStatus.APPROVED,
        message=_("只有已批准的报价可以发送（需提交，超出折扣权限的需审批通过）。"),
    )
    accepted = accepted_other(locked.opportunity_id)
    if accepted is not None:
        raise accepted_error(accepted)
    review = _valid_review(locked)
    if review is None:
        raise ValidationError(
            {"review": [_("交付经理尚未评审该版本的方案、工作量和报价，不能发送。")]},
            code="review_missing",
        )
    if not review.passed:
        raise ValidationError(
            {"review": [_("交付经理评审未通过，请调整后重新评审。")]}, code="review_failed"
        )
    before = audit_snapshot(locked, AUDITED_FIELDS)
    QuoteVersion.objects.filter(
        opportunity_id=locked.opportunity_id,
        status__in=[QuoteStatus.SENT, QuoteStatus.APPROVED],
    ).exclude(pk=locked.pk).update(
        status=QuoteStatus.SUPERSEDED, version=F("version") + 1, updated_at=timezone.now()
    )
    locked.status = QuoteStatus.SENT
    locked.sent_at = timezone.now()
    save_bumped(locked, ["status", "sent_at"])
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


@transaction.atomic
def quote_accept(*, quote: QuoteVersion, actor: User, version: int) -> QuoteVersion:
    """The customer accepted this sent version; it fixes the contract's lines and amount."""
    require_manage(actor, quote.opportunity)
    Opportunity.objects.select_for_update().filter(pk=quote.opportunity_id).first()
    locked = locked_at(quote, version)
    require_status(locked, QuoteStatus.SENT, message=_("只有已发送客户的报价可以标记为接受。"))
    accepted = accepted_other(locked.opportunity_id, exclude_pk=locked.pk)
    if accepted is not None:
        raise accepted_error(accepted)
    before = audit_snapshot(locked, AUDITED_FIELDS)
    locked.status = QuoteStatus.ACCEPTED
    locked.accepted_at = timezone.now()
    try:
        with transaction.atomic():
            save_bumped(locked, ["status", "accepted_at"])
    except IntegrityError:
        raise accepted_error(accepted_other(locked.opportunity_id) or locked) from None
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


@transaction.atomic
def quote_decline(*, quote: QuoteVersion, actor: User, version: int) -> QuoteVersion:
    """The customer turned this sent version down; a new version may follow."""
    require_manage(actor, quote.opportunity)
    locked = locked_at(quote, version)
    require_status(locked, QuoteStatus.SENT, message=_("只有已发送客户的报价可以标记为拒绝。"))
    before = audit_snapshot(locked, AUDITED_FIELDS)
    locked.status = QuoteStatus.REJECTED
    save_bumped(locked, ["status"])
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked
