"""Writes of bids (SPEC R-OPP-8). Approvals go through the engine; what runs when one is
decided lives in `kam.bids.approvals` and calls the `*_decided` functions here."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.audit.services import audit_record_changes, audit_record_creation, audit_snapshot
from kam.bids.enums import (
    REVIEW_APPROVAL_TYPES,
    BidStatus,
    DocumentKind,
    DocumentStatus,
    ReviewConclusion,
    ReviewKind,
)
from kam.bids.models import Bid, BidDocumentRequest, BidReview, PostBidNegotiation
from kam.bids.rules import bid_can_manage, bid_can_prepare
from kam.core.versioning import lock_at_version, save_bumped
from kam.opportunities.checks import guide_level_2
from kam.opportunities.models import Opportunity
from kam.users.models import User

BID_FIELDS = ["tender_number", "tender_name", "deadline", "bond", "bid_amount"]
AUDITED_FIELDS = [*BID_FIELDS, "status", "submitted_on", "result_note"]
MAX_MONEY = Decimal("99999999999999.99")


def money_input(value: Any, *, field: str, label: str) -> Decimal:
    """A non-negative amount with at most two places, from a Decimal or a string (no floats)."""
    if isinstance(value, (bool, float)):
        raise TypeError("Money must be Decimal or str, not float.")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(
            {field: [_("%(label)s不是有效的金额。") % {"label": label}]}
        ) from None
    if not amount.is_finite() or not Decimal(0) <= amount <= MAX_MONEY:
        raise ValidationError({field: [_("%(label)s不是有效的金额。") % {"label": label}]})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: [_("%(label)s最多保留 2 位小数。") % {"label": label}]})
    return amount.quantize(Decimal("0.01"))


def _clean_bid(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(BID_FIELDS)
    if unknown:
        raise ValueError(f"not settable: {sorted(unknown)}")
    clean = dict(data)
    errors: dict[str, list[str]] = {}
    clean["tender_name"] = str(clean.get("tender_name") or "").strip()[:200]
    clean["tender_number"] = str(clean.get("tender_number") or "").strip()[:100]
    if not clean["tender_name"]:
        errors["tender_name"] = [_("请填写招标项目名称。")]
    if not isinstance(clean.get("deadline"), datetime):
        errors["deadline"] = [_("请输入有效的投标截止时间。")]
    for key, label in (("bond", _("投标保证金")), ("bid_amount", _("投标报价"))):
        raw = clean.get(key)
        if raw in (None, "") and key == "bond":
            raw = "0"
        if raw in (None, ""):
            errors[key] = [_("请填写%(label)s。") % {"label": label}]
            continue
        try:
            clean[key] = money_input(raw, field=key, label=str(label))
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return clean


def _require_manage(actor: User, opportunity: Opportunity) -> None:
    if not bid_can_manage(actor, opportunity):
        raise PermissionDenied(_("只有商机负责人、客户负责人及其上级可以管理投标。"))


def _require_prepare(actor: User, opportunity: Opportunity) -> None:
    if not bid_can_prepare(actor, opportunity):
        raise PermissionDenied(_("只有项目组成员可以参与投标准备。"))


def _locked(bid: Bid, version: int) -> Bid:
    return lock_at_version(
        Bid.objects.select_related("opportunity__account"), pk=bid.pk, version=version
    )


@transaction.atomic
def bid_create(*, opportunity: Opportunity, actor: User, data: dict[str, Any]) -> Bid:
    """Open a bid on the deal; refused while another one is live (a re-bid follows a lost or
    abandoned one)."""
    _require_manage(actor, opportunity)
    if opportunity.is_closed:
        raise ValidationError(_("商机已关闭，不能再投标。"))
    clean = _clean_bid(data)
    if (
        Bid.objects.filter(opportunity=opportunity)
        .exclude(status__in=[BidStatus.LOST, BidStatus.ABANDONED])
        .exists()
    ):
        raise ValidationError(_("该商机已有进行中的投标；未中标或放弃后才能重新投标。"))
    try:
        with transaction.atomic():
            bid = Bid.objects.create(opportunity=opportunity, created_by=actor, **clean)
    except IntegrityError:
        raise ValidationError(_("该商机已有进行中的投标；未中标或放弃后才能重新投标。")) from None
    audit_record_creation(instance=bid, fields=AUDITED_FIELDS, actor=actor)
    return bid


@transaction.atomic
def bid_update(*, bid: Bid, actor: User, version: int, changes: dict[str, Any]) -> Bid:
    _require_manage(actor, bid.opportunity)
    locked = _locked(bid, version)
    if locked.status != BidStatus.PREPARING:
        raise ValidationError(_("只有准备中的投标可以修改；审批后的报价不能再改。"))
    clean = _clean_bid({**{key: getattr(locked, key) for key in BID_FIELDS}, **changes})
    before = audit_snapshot(locked, AUDITED_FIELDS)
    for key, value in clean.items():
        setattr(locked, key, value)
    save_bumped(locked, list(clean))
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


def _approval_pending(bid: Bid) -> bool:
    from kam.approvals.selectors import approval_pending_exists

    return approval_pending_exists(type_code="bid", subject=bid)


def guide_missing_message() -> str:
    return _("投标审批需要该客户至少有一位 2 级及以上的向导，请先发展向导后再提交。")


@transaction.atomic
def bid_submit_for_approval(*, bid: Bid, actor: User, version: int) -> Bid:
    """Send the bid to approval ("bid", amount = our bid amount). Refused without a level-2
    guide on the account (the check the gates use too)."""
    from kam.approvals.services import approval_submit

    _require_manage(actor, bid.opportunity)
    locked = _locked(bid, version)
    # A withdrawn approval leaves the bid pending with nothing in flight: send it again.
    stuck = locked.status == BidStatus.APPROVAL_PENDING and not _approval_pending(locked)
    if locked.status != BidStatus.PREPARING and not stuck:
        raise ValidationError(_("该投标不在可提交审批的状态。"))
    if not guide_level_2(locked.opportunity):
        raise ValidationError(guide_missing_message(), code="guide_level_2")
    before = audit_snapshot(locked, AUDITED_FIELDS)
    approval_submit(
        type_code="bid",
        requester=actor,
        title=_("投标审批：%(name)s") % {"name": locked.tender_name},
        subject=locked,
        opportunity=locked.opportunity,
        amount=locked.bid_amount,
        payload={
            "tender_number": locked.tender_number,
            "bid_amount": str(locked.bid_amount),
            "bond": str(locked.bond),
            "deadline": locked.deadline.isoformat(),
        },
    )
    locked.status = BidStatus.APPROVAL_PENDING
    save_bumped(locked, ["status"])
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


def bid_approval_decided(*, bid_id: int, approved: bool, actor: User) -> None:
    """Run by the approval engine inside its transaction."""
    locked = Bid.objects.select_for_update().get(pk=bid_id)
    if locked.status != BidStatus.APPROVAL_PENDING:
        return
    before = audit_snapshot(locked, AUDITED_FIELDS)
    locked.status = BidStatus.APPROVED if approved else BidStatus.PREPARING
    save_bumped(locked, ["status"])
    audit_record_changes(instance=locked, before=before, actor=actor)


@transaction.atomic
def bid_mark_submitted(*, bid: Bid, actor: User, version: int, submitted_on: date) -> Bid:
    _require_manage(actor, bid.opportunity)
    locked = _locked(bid, version)
    if locked.status != BidStatus.APPROVED:
        raise ValidationError(_("投标获批后才能登记投标。"))
    if not isinstance(submitted_on, date) or submitted_on > timezone.localdate():
        raise ValidationError({"submitted_on": [_("请输入有效的投标日期（不能是未来日期）。")]})
    before = audit_snapshot(locked, AUDITED_FIELDS)
    locked.status = BidStatus.SUBMITTED
    locked.submitted_on = submitted_on
    save_bumped(locked, ["status", "submitted_on"])
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


@transaction.atomic
def bid_record_result(
    *,
    bid: Bid,
    actor: User,
    version: int,
    status: str,
    note: str = "",
    competitor_prices: str = "",
) -> Bid:
    """Won or lost after submitting; abandoned at any time before a result (not while the
    approval is pending: withdraw it first)."""
    _require_manage(actor, bid.opportunity)
    locked = _locked(bid, version)
    if status not in {BidStatus.WON, BidStatus.LOST, BidStatus.ABANDONED}:
        raise ValidationError({"status": [_("请选择中标、未中标或放弃投标。")]})
    if status in {BidStatus.WON, BidStatus.LOST} and locked.status != BidStatus.SUBMITTED:
        raise ValidationError({"status": [_("投标提交后才能登记中标结果。")]})
    if status == BidStatus.ABANDONED and (
        locked.status in {BidStatus.WON, BidStatus.LOST, BidStatus.ABANDONED}
        or (locked.status == BidStatus.APPROVAL_PENDING and _approval_pending(locked))
    ):
        raise ValidationError({"status": [_("该投标当前不能放弃（审批中的请先撤回审批）。")]})
    note = (note or "").strip()
    if status != BidStatus.WON and not note:
        raise ValidationError({"note": [_("请说明未中标或放弃的原因。")]})
    before = audit_snapshot(locked, AUDITED_FIELDS)
    locked.status = status
    locked.result_note = note
    locked.competitor_prices = (competitor_prices or "").strip()
    locked.result_at = timezone.now()
    save_bumped(locked, ["status", "result_note", "competitor_prices", "result_at"])
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


def _require_live(bid: Bid) -> None:
    if bid.status in {BidStatus.WON, BidStatus.LOST, BidStatus.ABANDONED}:
        raise ValidationError(_("投标已结束。"))


@transaction.atomic
def bid_document_request_create(
    *, bid: Bid, actor: User, kinds: list[str], needed_by: date, description: str = ""
) -> BidDocumentRequest:
    """Ask for the documents and credentials the tender needs; goes to approval at once
    ("bid_documents")."""
    from kam.approvals.services import approval_submit

    _require_prepare(actor, bid.opportunity)
    _require_live(bid)
    kinds = list(dict.fromkeys(kinds))
    if not kinds or any(kind not in DocumentKind.values for kind in kinds):
        raise ValidationError({"kinds": [_("请选择需要的文件类型。")]})
    if not isinstance(needed_by, date):
        raise ValidationError({"needed_by": [_("请输入有效的日期。")]})
    document = BidDocumentRequest.objects.create(
        bid=bid,
        kinds=kinds,
        description=(description or "").strip(),
        needed_by=needed_by,
        requested_by=actor,
        status=DocumentStatus.PENDING,
    )
    audit_record_creation(instance=document, fields=["kinds", "needed_by", "status"], actor=actor)
    labels = "、".join(str(DocumentKind(kind).label) for kind in kinds)
    approval_submit(
        type_code="bid_documents",
        requester=actor,
        title=_("投标文件申请：%(name)s（%(kinds)s）") % {"name": bid.tender_name, "kinds": labels},
        subject=document,
        opportunity=bid.opportunity,
        payload={"kinds": kinds, "needed_by": needed_by.isoformat(), "bid_id": bid.pk},
    )
    return document


def bid_document_decided(*, document_id: int, approved: bool) -> None:
    BidDocumentRequest.objects.filter(pk=document_id, status=DocumentStatus.PENDING).update(
        status=DocumentStatus.APPROVED if approved else DocumentStatus.REJECTED,
        version=F("version") + 1,
    )


@transaction.atomic
def bid_review_request(*, bid: Bid, actor: User, kind: str, comments: str = "") -> BidReview:
    """Ask for the technical or commercial review; the approval's decision is its conclusion."""
    from kam.approvals.services import approval_submit

    _require_prepare(actor, bid.opportunity)
    _require_live(bid)
    if kind not in ReviewKind.values:
        raise ValidationError({"kind": [_("请选择评审类型。")]})
    if bid.reviews.filter(kind=kind, conclusion=ReviewConclusion.PENDING).exists():
        raise ValidationError({"kind": [_("该评审正在进行中。")]})
    review = BidReview.objects.create(
        bid=bid, kind=kind, requested_by=actor, comments=(comments or "").strip()
    )
    audit_record_creation(instance=review, fields=["kind"], actor=actor)
    approval_submit(
        type_code=REVIEW_APPROVAL_TYPES[ReviewKind(kind)],
        requester=actor,
        title=_("%(kind)s：%(name)s")
        % {"kind": review.get_kind_display(), "name": bid.tender_name},
        subject=review,
        opportunity=bid.opportunity,
        amount=bid.bid_amount,
        payload={"bid_id": bid.pk, "kind": kind},
    )
    return review


def bid_review_decided(*, review_id: int, conclusion: str, actor: User, comment: str) -> None:
    review = BidReview.objects.select_for_update().get(pk=review_id)
    if review.conclusion != ReviewConclusion.PENDING:
        return
    before = audit_snapshot(review, ["conclusion", "reviewer"])
    review.conclusion = conclusion
    review.reviewer = actor
    review.decided_at = timezone.now()
    if comment:
        review.comments = f"{review.comments}\n{comment}".strip()
    review.save(update_fields=["conclusion", "reviewer", "decided_at", "comments"])
    audit_record_changes(instance=review, before=before, actor=actor)


@transaction.atomic
def negotiation_add(*, bid: Bid, actor: User, data: dict[str, Any]) -> PostBidNegotiation:
    """标后谈判 notes, after the bid went in."""
    _require_prepare(actor, bid.opportunity)
    if bid.status not in {BidStatus.SUBMITTED, BidStatus.WON}:
        raise ValidationError(_("投标提交后才能记录标后谈判。"))
    fields = ["participants", "content", "outcome", "next_step"]
    clean = {key: str(data.get(key) or "").strip() for key in fields}
    errors: dict[str, list[str]] = {}
    day = data.get("date")
    if not isinstance(day, date):
        errors["date"] = [_("请输入有效的日期。")]
    if not clean["participants"]:
        errors["participants"] = [_("请填写参与人。")]
    if not clean["content"]:
        errors["content"] = [_("请填写谈判内容。")]
    if errors or not isinstance(day, date):
        raise ValidationError(errors)
    note = PostBidNegotiation.objects.create(bid=bid, date=day, created_by=actor, **clean)
    audit_record_creation(instance=note, fields=["date", *fields], actor=actor)
    return note
