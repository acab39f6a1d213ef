"""Building a quote version and getting it approved (SPEC R-OPP-10): create from the deal's
lines, edit terms while a draft, submit (a discount approval above the threshold), and the
approval's effects."""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.audit.services import audit_record_changes, audit_record_creation, audit_snapshot
from kam.core.versioning import save_bumped
from kam.opportunities.models import Opportunity
from kam.quotes.enums import QuoteStatus
from kam.quotes.models import QuoteLine, QuoteVersion
from kam.quotes.services.common import (
    AUDITED_FIELDS,
    MAX_TEXT,
    TERM_FIELDS,
    accepted_error,
    accepted_other,
    discount_threshold,
    locked_at,
    require_manage,
    require_status,
)
from kam.quotes.totals import line_figures, totals
from kam.search.services import search_index_quote
from kam.users.models import User

DEFAULT_VALIDITY = timedelta(days=30)
DISCOUNT_APPROVAL = "discount"


def _terms_clean(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(TERM_FIELDS)
    if unknown:
        raise ValueError(f"not settable: {sorted(unknown)}")
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if "valid_until" in data:
        valid_until = data["valid_until"]
        if valid_until is not None and not isinstance(valid_until, date):
            errors["valid_until"] = [_("请输入有效的日期。")]
        elif valid_until is not None and valid_until < timezone.localdate():
            errors["valid_until"] = [_("有效期不能早于今天。")]
        clean["valid_until"] = valid_until
    for key in ("payment_terms", "delivery_terms", "notes"):
        if key in data:
            text = str(data[key] or "").strip()
            if len(text) > MAX_TEXT:
                errors[key] = [_("最多 %(n)s 个字符。") % {"n": MAX_TEXT}]
            clean[key] = text
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def quote_version_create(
    *, opportunity: Opportunity, actor: User, data: dict[str, Any]
) -> QuoteVersion:
    """The next version, its lines a snapshot of the deal's current lines with their tax rates."""
    require_manage(actor, opportunity)
    # Locking the deal serialises version numbers: two clicks never make two "version 3"s.
    locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if locked.is_closed:
        raise ValidationError(_("商机已关闭，不能再生成报价。"))
    accepted = accepted_other(locked.pk)
    if accepted is not None:
        raise accepted_error(accepted)
    source = list(locked.lines.select_related("product").order_by("position", "pk"))
    if not source:
        raise ValidationError({"lines": [_("商机还没有产品明细，不能生成报价。")]})
    clean = _terms_clean({"valid_until": timezone.localdate() + DEFAULT_VALIDITY, **data})
    rows: list[QuoteLine] = []
    for position, line in enumerate(source, start=1):
        product = line.product
        figures = line_figures(line.quantity, line.unit_price, line.discount_rate, product.tax_rate)
        rows.append(
            QuoteLine(
                position=position,
                product=product,
                product_code=product.code,
                product_name=product.name,
                unit=product.unit,
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                discount_rate=line.discount_rate,
                list_amount=figures.list_amount,
                net_amount=figures.net_amount,
                tax_rate=product.tax_rate,
                tax_amount=figures.tax_amount,
            )
        )
    sums = totals(line_figures(r.quantity, r.unit_price, r.discount_rate, r.tax_rate) for r in rows)
    last = QuoteVersion.objects.filter(opportunity=locked).aggregate(n=Max("version_no"))["n"]
    quote = QuoteVersion.objects.create(
        opportunity=locked,
        version_no=(last or 0) + 1,
        created_by=actor,
        list_total=sums.list_total,
        discount_total=sums.discount_total,
        net_total=sums.net_total,
        tax_total=sums.tax_total,
        gross_total=sums.gross_total,
        max_discount_rate=max([sums.overall_discount_rate, *(r.discount_rate for r in rows)]),
        **clean,
    )
    for row in rows:
        row.quote = quote
    QuoteLine.objects.bulk_create(rows)
    audit_record_creation(instance=quote, fields=AUDITED_FIELDS, actor=actor)
    search_index_quote(quote)
    return quote


@transaction.atomic
def quote_terms_update(
    *, quote: QuoteVersion, actor: User, version: int, data: dict[str, Any]
) -> QuoteVersion:
    require_manage(actor, quote.opportunity)
    locked = locked_at(quote, version)
    require_status(locked, QuoteStatus.DRAFT, message=_("只有草稿状态的报价可以修改条款。"))
    clean = _terms_clean(data)
    before = audit_snapshot(locked, AUDITED_FIELDS)
    for key, value in clean.items():
        setattr(locked, key, value)
    save_bumped(locked, list(clean))
    audit_record_changes(instance=locked, before=before, actor=actor)
    search_index_quote(locked)
    return locked


@transaction.atomic
def quote_submit(*, quote: QuoteVersion, actor: User, version: int) -> QuoteVersion:
    """A draft becomes sendable at once, or waits for a discount approval when its overall
    discount or any line's discount exceeds the threshold (at the threshold: no approval)."""
    from kam.approvals.services import approval_submit

    require_manage(actor, quote.opportunity)
    locked = locked_at(quote, version)
    require_status(locked, QuoteStatus.DRAFT, message=_("只有草稿状态的报价可以提交。"))
    before = audit_snapshot(locked, AUDITED_FIELDS)
    threshold = discount_threshold()
    if locked.max_discount_rate > threshold:
        overall = totals(
            line_figures(r.quantity, r.unit_price, r.discount_rate, r.tax_rate)
            for r in locked.lines.all()
        ).overall_discount_rate
        approval = approval_submit(
            type_code=DISCOUNT_APPROVAL,
            requester=actor,
            title=_("报价折扣审批：%(number)s %(name)s")
            % {"number": locked.number, "name": locked.opportunity.name},
            subject=locked,
            opportunity=locked.opportunity,
            amount=locked.net_total,
            payload={
                "quote_version_id": locked.pk,
                "quote_number": locked.number,
                "max_discount_rate": str(locked.max_discount_rate),
                "overall_discount_rate": str(overall),
                "threshold": str(threshold),
            },
        )
        locked.status = QuoteStatus.PENDING_DISCOUNT_APPROVAL
        locked.discount_approval_id = approval.pk
        save_bumped(locked, ["status", "discount_approval_id"])
    else:
        locked.status = QuoteStatus.APPROVED
        locked.approved_at = timezone.now()
        save_bumped(locked, ["status", "approved_at"])
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


def _quote_for_approval(approval: Any) -> QuoteVersion | None:
    """The version waiting for exactly this approval; None for an outdated approval (the version
    was reopened and resubmitted meanwhile), which then changes nothing."""
    pk = (approval.payload or {}).get("quote_version_id") or approval.subject_id
    quote = QuoteVersion.objects.select_for_update().filter(pk=pk).first()
    if quote is None or quote.discount_approval_id != approval.pk:
        return None
    if quote.status != QuoteStatus.PENDING_DISCOUNT_APPROVAL:
        return None
    return quote


def quote_discount_approved(approval: Any, actor: User) -> None:
    """Approval `apply` of the "discount" type; runs inside the approving transaction."""
    quote = _quote_for_approval(approval)
    if quote is None:
        return
    before = audit_snapshot(quote, AUDITED_FIELDS)
    quote.status = QuoteStatus.APPROVED
    quote.approved_at = timezone.now()
    save_bumped(quote, ["status", "approved_at"])
    audit_record_changes(instance=quote, before=before, actor=actor)


def quote_discount_rejected(approval: Any, actor: User) -> None:
    """Approval `on_rejected`: the version goes back to draft to be reworked."""
    quote = _quote_for_approval(approval)
    if quote is None:
        return
    before = audit_snapshot(quote, AUDITED_FIELDS)
    quote.status = QuoteStatus.DRAFT
    save_bumped(quote, ["status"])
    audit_record_changes(instance=quote, before=before, actor=actor)


@transaction.atomic
def quote_reopen(*, quote: QuoteVersion, actor: User, version: int) -> QuoteVersion:
    """Back to draft: an approved version not yet sent, or one whose discount approval was
    withdrawn or returned (those end without calling back into this app)."""
    from kam.approvals.enums import ApprovalStatus
    from kam.approvals.models import Approval

    require_manage(actor, quote.opportunity)
    locked = locked_at(quote, version)
    require_status(
        locked,
        QuoteStatus.APPROVED,
        QuoteStatus.PENDING_DISCOUNT_APPROVAL,
        message=_("只有待发送或折扣审批中的报价可以退回草稿。"),
    )
    if (
        locked.status == QuoteStatus.PENDING_DISCOUNT_APPROVAL
        and Approval.objects.filter(
            pk=locked.discount_approval_id or 0, status=ApprovalStatus.PENDING
        ).exists()
    ):
        raise ValidationError(
            {"status": [_("折扣审批仍在进行中，请先撤回该审批。")]}, code="approval_pending"
        )
    before = audit_snapshot(locked, AUDITED_FIELDS)
    locked.status = QuoteStatus.DRAFT
    locked.approved_at = None
    save_bumped(locked, ["status", "approved_at"])
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked
