"""Issuing and voiding VAT invoices against milestones (R-COL-3). The milestone row is locked
while its invoiced total is checked, so two invoices issued at once cannot together exceed it."""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.billing.enums import TAX_RATES, BillingEventKind, InvoiceKind, InvoiceStatus
from kam.billing.models import Invoice
from kam.billing.money import tax_split
from kam.billing.services.common import (
    event,
    lock_milestones,
    milestone_money_sync,
    reason_clean,
    require_billable,
    require_recorder,
)
from kam.contracts.models import PaymentMilestone
from kam.contracts.money import money_clean
from kam.core.aggregates import yuan
from kam.core.versioning import lock_at_version, save_bumped
from kam.search.services import search_index_invoice
from kam.users.models import User


def _rate_clean(value: Any) -> Decimal:
    if isinstance(value, (float, bool)):
        raise ValidationError({"tax_rate": [_("税率请用字符串或精确小数传递，不接受浮点数。")]})
    try:
        rate = Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, ValueError):
        rate = Decimal(-1)
    if rate not in TAX_RATES:
        raise ValidationError({"tax_rate": [_("税率只能是 13%、9%、6%、3%、1% 或 0%。")]})
    return rate.quantize(Decimal("0.01"))


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    if data.get("kind") not in InvoiceKind.values:
        errors["kind"] = [_("请选择发票类型。")]
    else:
        clean["kind"] = data["kind"]
    number = str(data.get("number") or "").strip()
    if not number:
        errors["number"] = [_("请填写发票号码。")]
    elif len(number) > 32:
        errors["number"] = [_("发票号码不能超过 32 个字符。")]
    elif Invoice.objects.filter(number=number).exists():
        errors["number"] = [_("发票号码 %(number)s 已登记。") % {"number": number}]
    clean["number"] = number
    try:
        clean["tax_rate"] = _rate_clean(data.get("tax_rate"))
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        clean["amount_with_tax"] = money_clean(data.get("amount_with_tax"), "amount_with_tax")
    except ValidationError as error:
        errors.update(error.message_dict)
    issued_on = data.get("issued_on")
    if not isinstance(issued_on, date):
        errors["issued_on"] = [_("请填写开票日期。")]
    clean["issued_on"] = issued_on
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def invoice_issue(*, milestone: PaymentMilestone, actor: User, data: dict[str, Any]) -> Invoice:
    """An issued invoice for `data["amount_with_tax"]`; the milestone's issued invoices may not
    add up to more than the milestone."""
    require_recorder(actor)
    clean = _clean(data)
    locked = lock_milestones([milestone.pk])[milestone.pk]
    require_billable(locked.contract, "milestone")
    remaining = locked.amount - yuan(locked.invoiced_fen)
    if clean["amount_with_tax"] > remaining:
        raise ValidationError(
            {"amount_with_tax": [_("该节点还可开票 %(remaining)s 元。") % {"remaining": remaining}]}
        )
    without, tax = tax_split(clean["amount_with_tax"], clean["tax_rate"])
    invoice = Invoice.objects.create(
        milestone=locked, contract_id=locked.contract_id, issued_by=actor,
        amount_without_tax=without, tax=tax, **clean,
    )  # fmt: skip
    milestone_money_sync([locked.pk])
    search_index_invoice(invoice)
    event(
        kind=BillingEventKind.INVOICE_ISSUED, actor=actor, invoice=invoice,
        to_status=InvoiceStatus.ISSUED, amount=invoice.amount_with_tax,
    )  # fmt: skip
    return invoice


@transaction.atomic
def invoice_void(*, invoice: Invoice, actor: User, version: int, reason: str) -> Invoice:
    require_recorder(actor)
    clean_reason = reason_clean(reason)
    locked = lock_at_version(Invoice.objects.all(), pk=invoice.pk, version=version)
    if locked.status == InvoiceStatus.VOIDED:
        raise ValidationError({"status": [_("该发票已作废。")]})
    lock_milestones([locked.milestone_id])
    locked.status = InvoiceStatus.VOIDED
    locked.void_reason = clean_reason
    locked.voided_by = actor
    locked.voided_at = timezone.now()
    save_bumped(locked, ["status", "void_reason", "voided_by", "voided_at"])
    milestone_money_sync([locked.milestone_id])
    search_index_invoice(locked)
    event(
        kind=BillingEventKind.INVOICE_VOIDED, actor=actor, invoice=locked,
        from_status=InvoiceStatus.ISSUED, to_status=InvoiceStatus.VOIDED,
        amount=locked.amount_with_tax, note=clean_reason,
    )  # fmt: skip
    return locked
