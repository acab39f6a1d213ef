"""Helpers shared by the billing writes: permission, contract state, sums under lock."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from kam.billing.models import Allocation, BillingEvent, Invoice, Receipt
from kam.billing.rules import billing_can_record
from kam.contracts.enums import ContractStatus
from kam.contracts.models import Contract
from kam.core.aggregates import fen, fen_sum, yuan
from kam.users.models import User

# Money is owed, invoiced and collected only once the contract is signed.
BILLABLE_STATUSES = frozenset(
    {ContractStatus.SIGNED, ContractStatus.EXECUTING, ContractStatus.COMPLETED,
     ContractStatus.TERMINATED}
)  # fmt: skip


def require_recorder(actor: User) -> None:
    if not billing_can_record(actor):
        raise PermissionDenied(_("只有财务、总经理和管理员可以登记发票和回款。"))


def require_billable(contract: Contract, field: str) -> None:
    if contract.status not in BILLABLE_STATUSES:
        raise ValidationError({field: [_("合同尚未签订，不能开票或核销回款。")]})


def allocated_by_milestone(milestone_ids: list[int]) -> dict[int, Decimal]:
    rows = (
        Allocation.objects.filter(milestone_id__in=milestone_ids, reversed_at__isnull=True)
        .values("milestone_id")
        .annotate(total=fen_sum(fen("amount"), Q()))
    )
    return {row["milestone_id"]: yuan(row["total"]) for row in rows}


def allocated_on_receipt(receipt: Receipt) -> Decimal:
    total = Allocation.objects.filter(receipt=receipt, reversed_at__isnull=True).aggregate(
        total=fen_sum(fen("amount"), Q())
    )["total"]
    return yuan(total)


def invoiced_on_milestone(milestone_id: int) -> Decimal:
    total = Invoice.objects.filter(milestone_id=milestone_id, status="issued").aggregate(
        total=fen_sum(fen("amount_with_tax"), Q())
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
