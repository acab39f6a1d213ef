"""The battle map (作战地图, R-COL-4): every visible contract in collection as a row, its payment
milestones as columns by kind (首付款 / 到货款 / 验收款 / 质保尾款 / 其他), each with its due date,
invoiced and received money and a state that the page colours.

It starts from the contracts' visibility rule, so a rep sees their own contracts, a manager their
line's, finance and the executives every one. A page costs a constant number of queries whatever
the row count: the contracts of the page, their milestones with money, and the totals of the
whole filtered set (two aggregates, summed over whole fen in SQL).
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from kam.battlemap.enums import CellState, MapSort, StateFilter
from kam.billing.selectors import (
    MilestoneMoney,
    milestone_money,
    milestone_money_of,
    milestones_owing,
)
from kam.contracts.enums import ContractStatus, MilestoneKind, MilestoneTrigger
from kam.contracts.models import Contract, PaymentMilestone
from kam.contracts.rules import contract_visibility_q
from kam.core.aggregates import fen, yuan
from kam.core.choices import choice_labels
from kam.core.pagination import Page, paginate
from kam.tasks.rules import team_subtree_ids
from kam.users.models import User

ZERO = Decimal("0.00")
MAP_STATUSES = (ContractStatus.SIGNED, ContractStatus.EXECUTING, ContractStatus.COMPLETED)
COLUMNS = tuple(MilestoneKind)
COLUMN_OF_KIND = {kind.value: n for n, kind in enumerate(COLUMNS)}
DUE_SOON_DAYS = 30
ORDERINGS = {
    MapSort.ACCOUNT: ("account__name", "signed_on", "pk"),
    MapSort.SIGNED: ("-signed_on", "-pk"),
    MapSort.AMOUNT: ("-amount", "-pk"),
}


@dataclass(frozen=True)
class MapFilters:
    query: str = ""
    owner_id: int | None = None
    team_id: int | None = None
    status: str = ""
    state: str = ""
    sort: str = MapSort.ACCOUNT


@dataclass(frozen=True)
class Cell:
    milestone_id: int
    label: str
    trigger_label: str
    due_date: date | None
    amount: Decimal
    invoiced: Decimal
    received: Decimal
    days_overdue: int
    days_to_due: int | None
    state: CellState

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.received

    @property
    def partly_paid(self) -> bool:
        return ZERO < self.received < self.amount


@dataclass
class Row:
    contract: Contract
    columns: list[list[Cell]]
    shown: list[list[Cell]] = field(default_factory=list)
    received: Decimal = ZERO
    invoiced: Decimal = ZERO
    overdue: Decimal = ZERO

    @property
    def outstanding(self) -> Decimal:
        return self.contract.amount - self.received

    @property
    def progress(self) -> int:
        return _progress(self.received, self.contract.amount)


@dataclass
class Totals:
    contracts: int = 0
    amount: Decimal = ZERO
    invoiced: Decimal = ZERO
    received: Decimal = ZERO
    overdue: Decimal = ZERO

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.received

    @property
    def progress(self) -> int:
        return _progress(self.received, self.amount)


@dataclass
class BattleMap:
    page: Page
    rows: list[Row]
    totals: Totals
    today: date
    columns: list[MilestoneKind]


def _progress(received: Decimal, amount: Decimal) -> int:
    """Whole percent received, for the progress bar; 100 only when paid in full."""
    return int(received * 100 // amount) if amount > 0 else 0


def _owed_milestones(today: date) -> QuerySet[PaymentMilestone]:
    return milestones_owing(PaymentMilestone.objects.filter(contract=OuterRef("pk")))


def battle_map_contracts(
    user: User, filters: MapFilters, today: date, *, as_id_sets: bool = False
) -> QuerySet[Contract]:
    """The visible contracts in collection that match the filters, in the map's order.
    `as_id_sets` for the totals over all of them (kam.accounts.rules.account_visibility_q); a
    page keeps the joined form, with which PostgreSQL walks the accounts in name order."""
    contracts = Contract.objects.filter(
        contract_visibility_q(user, as_id_sets=as_id_sets), status__in=MAP_STATUSES
    )
    if filters.query:
        contracts = contracts.filter(
            Q(account__name__icontains=filters.query)
            | Q(number__icontains=filters.query)
            | Q(name__icontains=filters.query)
        )
    if filters.owner_id:
        contracts = contracts.filter(owner_id=filters.owner_id)
    if filters.team_id:
        contracts = contracts.filter(owner__team_id__in=team_subtree_ids(filters.team_id))
    if filters.status:
        contracts = contracts.filter(status=filters.status)
    owed = _owed_milestones(today)
    if filters.state == StateFilter.OPEN:
        contracts = contracts.filter(Exists(owed))
    elif filters.state == StateFilter.OVERDUE:
        contracts = contracts.filter(Exists(owed.filter(due_date__lt=today)))
    elif filters.state == StateFilter.DUE_SOON:
        soon = today + timedelta(days=DUE_SOON_DAYS)
        contracts = contracts.filter(Exists(owed.filter(due_date__gte=today, due_date__lte=soon)))
    sort = MapSort(filters.sort) if filters.sort in MapSort.values else MapSort.ACCOUNT
    return contracts.order_by(*ORDERINGS[sort])


def _state(due_date: date | None, outstanding: Decimal, today: date) -> CellState:
    if outstanding <= 0:
        return CellState.PAID
    if due_date is None:
        return CellState.WAITING
    if due_date < today:
        return CellState.OVERDUE
    if (due_date - today).days <= DUE_SOON_DAYS:
        return CellState.DUE_SOON
    return CellState.UPCOMING


@dataclass(frozen=True)
class Labels:
    """The choice labels a map or export shows, in the active language (kam.core.choices:
    `get_FOO_display()` per cell was most of a company-wide export's time)."""

    kinds: dict[str, str]
    triggers: dict[str, str]
    statuses: dict[str, str]
    states: dict[str, str]

    @classmethod
    def current(cls) -> "Labels":
        return cls(
            choice_labels(MilestoneKind),
            choice_labels(MilestoneTrigger),
            choice_labels(ContractStatus),
            choice_labels(CellState),
        )


def _cell(milestone: PaymentMilestone, today: date, labels: Labels) -> Cell:
    money = milestone_money(milestone, today)
    return Cell(
        milestone_id=milestone.pk,
        label=milestone.name or labels.kinds.get(milestone.kind, milestone.kind),
        trigger_label=labels.triggers.get(milestone.trigger, milestone.trigger),
        due_date=money.due_date,
        amount=money.amount,
        invoiced=money.invoiced,
        received=money.received,
        days_overdue=money.days_overdue,
        days_to_due=(money.due_date - today).days if money.due_date else None,
        state=_state(money.due_date, money.outstanding, today),
    )


def battle_map_rows(
    contracts: list[Contract], today: date, labels: Labels | None = None
) -> list[Row]:
    """Rows for `contracts` (already visible and filtered) in one query for all milestones."""
    labels = labels or Labels.current()
    rows = {c.pk: Row(contract=c, columns=[[] for _ in COLUMNS]) for c in contracts}
    milestones = PaymentMilestone.objects.filter(contract_id__in=list(rows)).order_by(
        "contract_id", "position"
    )
    for milestone in milestones:
        row = rows[milestone.contract_id]
        cell = _cell(milestone, today, labels)
        row.columns[COLUMN_OF_KIND[milestone.kind]].append(cell)
        row.received += cell.received
        row.invoiced += cell.invoiced
        if cell.state == CellState.OVERDUE:
            row.overdue += cell.outstanding
    return [rows[c.pk] for c in contracts]


def battle_map_totals(contracts: QuerySet[Contract], today: date) -> Totals:
    """Sums over the whole filtered set, not just the page — in whole fen, in one SQL query.
    A contract's amount is taken as the sum of its milestones: a contract reaches the map only
    once signed, and it is signed only with a plan that sums to it to the fen."""
    money = (
        PaymentMilestone.objects.filter(contract__in=contracts.order_by().values("pk"))
        .annotate(amount_fen=fen("amount"))
        .aggregate(
            count=Count("contract_id", distinct=True),
            amount=Sum("amount_fen", default=0),
            invoiced=Sum("invoiced_fen", default=0),
            received=Sum("allocated_fen", default=0),
            overdue=Sum(
                Greatest(F("amount_fen") - F("allocated_fen"), 0),
                filter=Q(due_date__lt=today),
                default=0,
            ),
        )
    )
    return Totals(
        contracts=money["count"],
        amount=yuan(money["amount"]),
        invoiced=yuan(money["invoiced"]),
        received=yuan(money["received"]),
        overdue=yuan(money["overdue"]),
    )


def battle_map(user: User, filters: MapFilters, today: date, page_number: int = 1) -> BattleMap:
    contracts = battle_map_contracts(user, filters, today)
    page = paginate(contracts.select_related("account", "owner"), page_number)
    rows = battle_map_rows(list(page.object_list), today)
    # The four usual instalments always have a column; "other" only when a row has one.
    shown = [
        n
        for n, kind in enumerate(COLUMNS)
        if kind != MilestoneKind.OTHER or any(row.columns[n] for row in rows)
    ]
    for row in rows:
        row.shown = [row.columns[n] for n in shown]
    return BattleMap(
        page=page,
        rows=rows,
        totals=battle_map_totals(
            battle_map_contracts(user, filters, today, as_id_sets=True), today
        ),
        today=today,
        columns=[COLUMNS[n] for n in shown],
    )


# What a spreadsheet row needs, read as tuples: model instances for the 50k contracts and
# milestones of a company-wide map were most of the time its rows took. One row per contract
# and milestone (a contract without one still comes, once, with NULLs).
EXPORT_FIELDS = (
    "pk", "account__name", "number", "name", "owner__display_name", "owner__username",
    "status", "signed_on", "terms", "amount",
    "milestones__kind", "milestones__amount", "milestones__due_date",
    "milestones__invoiced_fen", "milestones__allocated_fen",
)  # fmt: skip
CONTRACT_PART = EXPORT_FIELDS.index("milestones__kind")  # where the milestone columns start
EXPORT_FETCH = 2000


def battle_map_export_rows(user: User, filters: MapFilters, today: date) -> Iterator[list[Any]]:
    """One spreadsheet row per contract, from one query streamed in batches: the contracts
    joined with their milestones, in the map's order (which ends with the key, so a contract's
    milestones arrive together), so memory stays bounded and the query count constant."""
    contracts = battle_map_contracts(user, filters, today)
    joined = contracts.order_by(*contracts.query.order_by, "milestones__position")
    labels = Labels.current()
    for _pk, parts in groupby(
        joined.values_list(*EXPORT_FIELDS).iterator(chunk_size=EXPORT_FETCH), key=itemgetter(0)
    ):
        contract_parts = list(parts)
        milestones = [part[CONTRACT_PART:] for part in contract_parts]
        yield _export_row(contract_parts[0][:CONTRACT_PART], milestones, today, labels)


def export_headers() -> list[str]:
    headers = [
        _("客户"), _("合同编号"), _("合同名称"), _("负责人"), _("状态"), _("签订日期"),
        _("主要条款"), _("合同金额"), _("已开票"), _("已回款"), _("未回款"), _("逾期金额"),
        _("回款进度（%）"),
    ]  # fmt: skip
    for kind in COLUMNS:
        headers += [
            f"{kind.label} {_('到期日')}", f"{kind.label} {_('金额')}",
            f"{kind.label} {_('已开票')}", f"{kind.label} {_('已回款')}",
            f"{kind.label} {_('状态')}",
        ]  # fmt: skip
    return headers


def _export_row(
    contract: tuple[Any, ...], milestones: list[tuple[Any, ...]], today: date, labels: Labels
) -> list[Any]:
    """The row `battle_map_rows` makes of the contract, as the spreadsheet's cells."""
    _pk, account, number, name, owner_name, username, status, signed_on, terms, amount = contract
    columns: list[list[tuple[MilestoneMoney, CellState]]] = [[] for _ in COLUMNS]
    invoiced = received = overdue = ZERO
    for kind, instalment, due_date, invoiced_fen, allocated_fen in milestones:
        if kind is None:
            continue  # the contract has no milestone (the outer join's one row)
        money = milestone_money_of(instalment, due_date, invoiced_fen, allocated_fen, today)
        state = _state(money.due_date, money.outstanding, today)
        columns[COLUMN_OF_KIND[kind]].append((money, state))
        received += money.received
        invoiced += money.invoiced
        if state == CellState.OVERDUE:
            overdue += money.outstanding
    values: list[Any] = [
        account, number, name, owner_name or username, labels.statuses.get(status, status),
        signed_on, terms[:500],
        amount, invoiced, received, amount - received, overdue, _progress(received, amount),
    ]  # fmt: skip
    for cells in columns:
        if not cells:
            values += [None] * 5  # no cell written: a blank in the spreadsheet
            continue
        values += [
            " / ".join(m.due_date.isoformat() if m.due_date else "—" for m, _s in cells),
            sum((m.amount for m, _s in cells), ZERO),
            sum((m.invoiced for m, _s in cells), ZERO),
            sum((m.received for m, _s in cells), ZERO),
            " / ".join(labels.states[state] for _m, state in cells),
        ]
    return values
