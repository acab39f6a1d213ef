"""Helpers shared by the billing writes: permission, contract state, sums under lock."""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from kam.billing.enums import InvoiceStatus
from kam.billing.models import Allocation, BillingEvent, Invoice, Receipt
from kam.billing.rules import billing_can_record
from kam.contracts.enums import BILLABLE_STATUSES
from kam.contracts.models import Contract, PaymentMilestone
from kam.core.aggregates import fen, fen_subquery, fen_sum, yuan
from kam.users.models import User


def require_recorder(actor: User) -> None:
    if not billing_can_record(actor):
        raise PermissionDenied(_("只有财务、总经理和管理员可以登记发票和回款。"))


def require_billable(contract: Contract, field: str) -> None:
    if contract.status not in BILLABLE_STATUSES:
        raise ValidationError({field: [_("合同尚未签订，不能开票或核销回款。")]})


def milestone_money_sync(milestone_ids: Iterable[int]) -> None:
    """Recount the invoiced and allocated fen of these milestones from their invoices and
    allocations. Callers hold the milestones' row locks (`lock_milestones`), so the recount sees
    every committed change and no other write can slip in before commit; recounting instead of
    adding deltas means a column can never drift from its rows."""
    PaymentMilestone.objects.filter(pk__in=list(milestone_ids)).update(
        invoiced_fen=fen_subquery(
            Invoice.objects.filter(status=InvoiceStatus.ISSUED), "milestone", "amount_with_tax"
        ),
        allocated_fen=fen_subquery(
            Allocation.objects.filter(reversed_at__isnull=True), "milestone", "amount"
        ),
    )


def lock_milestones(milestone_ids: Iterable[int]) -> dict[int, PaymentMilestone]:
    """Row locks in primary-key order, so two writers never wait on each other crosswise."""
    return {
        m.pk: m
        for m in PaymentMilestone.objects.select_for_update()
        .filter(pk__in=sorted(set(milestone_ids)))
        .order_by("pk")
    }


def allocated_on_receipt(receipt: Receipt) -> Decimal:
    total = Allocation.objects.filter(receipt=receipt, reversed_at__isnull=True).aggregate(
        total=fen_sum(fen("amount"), Q())
    )["total"]
    return yuan(total)


def event(
    *,
    kind: str,
    actor: User,
    invoice: Invoice | None = None,
    receipt: Receipt | None = None,
    from_status: str = "",
    to_status: str = "",
    amount: Decimal | None = None,
    note: str = "",
) -> BillingEvent:
    return BillingEvent.objects.create(
        kind=kind, actor=actor, invoice=invoice, receipt=receipt, from_status=from_status,
        to_status=to_status, amount=amount, note=note[:500],
    )  # fmt: skip


def reason_clean(value: object, field: str = "reason") -> str:
    reason = str(value or "").strip()
    if not reason:
        raise ValidationError({field: [_("请填写原因。")]})
    if len(reason) > 500:
        raise ValidationError({field: [_("原因不能超过 500 字。")]})
    return reason
