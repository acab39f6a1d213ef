"""Reads for billing: per-milestone money, aging, credit balances, lists. Every sum is taken
over whole fen in SQL (kam.core.aggregates), each read in a constant number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from kam.billing.enums import AgingBucket, InvoiceStatus, ReceiptStatus
from kam.billing.models import Allocation, Invoice, Receipt
from kam.billing.rules import invoice_visibility_q, milestone_visibility_q, receipt_visibility_q
from kam.contracts.models import Contract, PaymentMilestone, milestone_outstanding_fen
from kam.core.aggregates import fen, fen_subquery, fen_sum, yuan
from kam.core.pagination import Page, paginate
from kam.users.models import User

ZERO = Decimal("0.00")
# Upper bound (days past due, inclusive) of each bucket; the last is open.
BUCKET_LIMITS: tuple[tuple[AgingBucket, int | None], ...] = (
    (AgingBucket.D0_30, 30),
    (AgingBucket.D31_90, 90),
    (AgingBucket.D91_180, 180),
    (AgingBucket.D180_PLUS, None),
)
# Each grouping's key and label; the company is one row.
GROUPINGS: dict[str, tuple[str, str] | None] = {
    "contract": ("contract_id", "contract__number"),
    "owner": ("contract__owner_id", "contract__owner__display_name"),
    "team": ("contract__account__team_id", "contract__account__team__name"),
    "company": None,
}


def milestones_owing(queryset: QuerySet[PaymentMilestone]) -> QuerySet[PaymentMilestone]:
    """The milestones still owed something, each annotated with `outstanding_fen`."""
    return queryset.annotate(outstanding_fen=milestone_outstanding_fen()).filter(
        outstanding_fen__gt=0
    )


@dataclass(frozen=True)
class MilestoneMoney:
    """The context of `billing/_milestone_money.html`."""

    amount: Decimal
    invoiced: Decimal
    received: Decimal
    outstanding: Decimal
    due_date: date | None
    days_overdue: int

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


def milestone_money(milestone: PaymentMilestone, today: date) -> MilestoneMoney:
    """Money of a milestone, from its maintained invoiced and allocated fen."""
    return milestone_money_of(
        milestone.amount, milestone.due_date, milestone.invoiced_fen, milestone.allocated_fen, today
    )


def milestone_money_of(
    amount: Decimal, due_date: date | None, invoiced_fen: int, allocated_fen: int, today: date
) -> MilestoneMoney:
    """`milestone_money` from the milestone's columns, for reads that fetch them as tuples."""
    received = yuan(allocated_fen)
    outstanding = amount - received
    days = (today - due_date).days if due_date and due_date < today and outstanding > 0 else 0
    return MilestoneMoney(
        amount=amount,
        invoiced=yuan(invoiced_fen),
        received=received,
        outstanding=outstanding,
        due_date=due_date,
        days_overdue=days,
    )


def milestone_money_map(milestone_ids: list[int], today: date) -> dict[int, MilestoneMoney]:
    rows = PaymentMilestone.objects.filter(pk__in=milestone_ids)
    return {m.pk: milestone_money(m, today) for m in rows}


def bucket_of(days_overdue: int) -> AgingBucket:
    for bucket, limit in BUCKET_LIMITS:
        if limit is None or days_overdue <= limit:
            return bucket
    raise AssertionError("unreachable: the last bucket is open")


@dataclass
class AgingRow:
    key: int | None
    label: str
    buckets: dict[str, Decimal] = field(
        default_factory=lambda: {bucket.value: ZERO for bucket in AgingBucket}
    )
    outstanding: Decimal = ZERO

    @property
    def overdue(self) -> Decimal:
        return sum(self.buckets.values(), ZERO)

    @property
    def bucket_list(self) -> list[Decimal]:
        return [self.buckets[bucket.value] for bucket in AgingBucket]


def aging(user: User, today: date, group_by: str = "contract") -> list[AgingRow]:
    """Outstanding money of the visible signed contracts, per group, with the overdue part split
    into the aging buckets (days past the due date), most overdue first. One query, summed and
    sorted by the database in integer fen over the milestones still owed (reading every
    billable milestone into Python took a director ~200 ms)."""
    fields = GROUPINGS[group_by]
    if fields is None:
        totals = _owed(user).aggregate(**_sums(today))
        return [_aging_row(None, "", totals)] if totals["outstanding"] else []
    return [_group_row(row, fields) for row in _grouped(user, today, fields)]


def aging_page(user: User, today: date, fields: tuple[str, str], page: int) -> Page:
    """One page of `aging` grouped by `fields` (by contract a director has thousands of rows,
    finance ~40k), paged by the database; its rows are AgingRows."""
    page_of = paginate(_grouped(user, today, fields), page)
    page_of.object_list = [_group_row(row, fields) for row in page_of.object_list]
    return page_of


def aging_rows(
    user: User, today: date, fields: tuple[str, str], offset: int, limit: int
) -> list[AgingRow]:
    """`limit` rows of `aging` grouped by `fields` from `offset`, paged by the database (the
    API)."""
    rows = _grouped(user, today, fields)[offset : offset + limit]
    return [_group_row(row, fields) for row in rows]


def _owed(user: User) -> QuerySet[PaymentMilestone]:
    visible = milestone_visibility_q(user, as_id_sets=True)
    return milestones_owing(PaymentMilestone.objects.filter(visible, billable=True)).order_by()


def _grouped(user: User, today: date, fields: tuple[str, str]) -> QuerySet[Any]:
    key_field, label_field = fields
    label = Coalesce(F(label_field), Value(""))
    return (
        _owed(user)
        .values(key_field, label_field)
        .annotate(**_sums(today), overdue=Sum("outstanding_fen", filter=Q(due_date__lt=today)))
        .order_by(F("overdue").desc(nulls_last=True), "-outstanding", label, key_field)
    )


def _group_row(row: dict[str, Any], fields: tuple[str, str]) -> AgingRow:
    key_field, label_field = fields
    return _aging_row(row[key_field], str(row[label_field] or ""), row)


def _sums(today: date) -> dict[str, Sum]:
    return {"outstanding": Sum("outstanding_fen"), **_bucket_sums(today)}


def _bucket_sums(today: date) -> dict[str, Sum]:
    """Each bucket's overdue fen: due between its limit and the previous one's (days past due:
    1–30 is due in [today − 30, today − 1])."""
    sums = {}
    previous = 0
    for bucket, limit in BUCKET_LIMITS:
        window = Q(due_date__lt=today - timedelta(days=previous))
        if limit is not None:
            window &= Q(due_date__gte=today - timedelta(days=limit))
            previous = limit
        sums[bucket.value] = Sum("outstanding_fen", filter=window, default=0)
    return sums


def _aging_row(key: int | None, label: str, fen_sums: dict[str, Any]) -> AgingRow:
    row = AgingRow(key=key, label=label, outstanding=yuan(fen_sums["outstanding"]))
    for bucket in AgingBucket:
        row.buckets[bucket.value] = yuan(fen_sums[bucket.value])
    return row


def aging_total(rows: list[AgingRow]) -> AgingRow:
    total = AgingRow(key=None, label="")
    for row in rows:
        total.outstanding += row.outstanding
        for bucket, value in row.buckets.items():
            total.buckets[bucket] += value
    return total


def receipts_with_allocated(queryset: QuerySet[Receipt]) -> QuerySet[Receipt]:
    return queryset.annotate(
        allocated_fen=fen_subquery(
            Allocation.objects.filter(reversed_at__isnull=True), "receipt", "amount"
        )
    )


def receipt_unallocated(receipt: Receipt) -> Decimal:
    if receipt.status != ReceiptStatus.RECORDED:
        return ZERO
    allocated = getattr(receipt, "allocated_fen", None)
    if allocated is None:
        allocated = Allocation.objects.filter(receipt=receipt, reversed_at__isnull=True).aggregate(
            total=fen_sum(fen("amount"), Q())
        )["total"]
    return receipt.amount - yuan(allocated)


def account_credit(account_ids: list[int]) -> dict[int, Decimal]:
    """Credit balance per account: recorded receipts minus their active allocations."""
    rows = receipts_with_allocated(
        Receipt.objects.filter(account_id__in=account_ids, status=ReceiptStatus.RECORDED)
    ).values_list("account_id", "amount", "allocated_fen")  # type: ignore[misc]
    credit: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for account_id, amount, allocated_fen in rows:
        credit[account_id] += amount - yuan(allocated_fen)
    return dict(credit)


def receipt_list(user: User, filters: dict[str, str] | None = None) -> QuerySet[Receipt]:
    filters = filters or {}
    queryset = receipts_with_allocated(
        Receipt.objects.filter(receipt_visibility_q(user)).select_related(
            "account", "contract", "recorded_by"
        )
    )
    if filters.get("status") in ReceiptStatus.values:
        queryset = queryset.filter(status=filters["status"])
    if filters.get("account", "").isdigit():
        queryset = queryset.filter(account_id=int(filters["account"]))
    return queryset.order_by("-received_on", "-pk")


def receipt_get_visible(user: User, pk: int) -> Receipt:
    receipt = receipt_list(user).filter(pk=pk).first()
    if receipt is None:
        raise Http404
    return receipt


def receipt_allocations(receipt: Receipt) -> list[Allocation]:
    return list(
        receipt.allocations.select_related("milestone__contract", "allocated_by").order_by(
            "allocated_at", "pk"
        )
    )


def receipt_open_milestones(
    receipt: Receipt, today: date
) -> list[tuple[PaymentMilestone, MilestoneMoney]]:
    """Milestones the receipt may pay: its contract's, or its account's signed contracts', with
    money still owed."""
    queryset = PaymentMilestone.objects.filter(account_id=receipt.account_id, billable=True)
    if receipt.contract_id:
        queryset = queryset.filter(contract_id=receipt.contract_id)
    rows = queryset.select_related("contract").order_by("due_date", "contract_id", "position")
    result = [(m, milestone_money(m, today)) for m in rows]
    return [(m, money) for m, money in result if money.outstanding > 0]


def invoice_list(user: User, filters: dict[str, str] | None = None) -> QuerySet[Invoice]:
    filters = filters or {}
    queryset = Invoice.objects.filter(invoice_visibility_q(user)).select_related(
        "contract", "milestone", "issued_by"
    )
    if filters.get("status") in InvoiceStatus.values:
        queryset = queryset.filter(status=filters["status"])
    if filters.get("contract", "").isdigit():
        queryset = queryset.filter(contract_id=int(filters["contract"]))
    return queryset.order_by("-issued_on", "-pk")


def invoice_get_visible(user: User, pk: int) -> Invoice:
    invoice = invoice_list(user).filter(pk=pk).first()
    if invoice is None:
        raise Http404
    return invoice


def milestone_get_visible(user: User, pk: int) -> PaymentMilestone:
    milestone = (
        PaymentMilestone.objects.filter(milestone_visibility_q(user))
        .select_related("contract__account")
        .filter(pk=pk)
        .first()
    )
    if milestone is None:
        raise Http404
    return milestone


def receipt_contract_options(account_id: int | None) -> list[tuple[int, str]]:
    """The contracts a receipt of the account may name, newest first, as (id, label)."""
    if account_id is None:
        return []
    contracts = (
        Contract.objects.filter(account_id=account_id).order_by("-pk").only("number", "name")
    )
    return [(contract.pk, str(contract)) for contract in contracts]
