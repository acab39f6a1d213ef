"""Reads of the collection checklist. Every read starts from the contracts the user may see
(`contracts_visible_to`), and each list is read in a fixed number of queries.

An item is complete when it is ticked and, if it needs evidence, has at least one file. An
incomplete item is "late" once its lead day (the due date minus `lead_days`) has passed."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from kam.accounts.rules import list_gathers_by_id_sets
from kam.billing.selectors import MilestoneMoney, milestone_money, milestones_owing
from kam.checklists.enums import ChecklistCategory
from kam.checklists.models import (
    DEFAULT_ALERT_SETTINGS,
    ChecklistEvidence,
    ChecklistItem,
    CollectionAlertSettings,
)
from kam.contracts.enums import ContractStatus
from kam.contracts.models import Contract, PaymentMilestone
from kam.contracts.rules import contract_visibility_q
from kam.contracts.selectors import contracts_visible_to
from kam.users.models import User

# Money is being collected on these; a draft owes nothing yet and a terminated one is settled
# elsewhere.
COLLECTING_STATUSES = (ContractStatus.SIGNED, ContractStatus.EXECUTING, ContractStatus.COMPLETED)
# The contract page flags a milestone's missing items this many days before it falls due.
SUMMARY_DAYS = 14
CATEGORY_ORDER = {category.value: index for index, category in enumerate(ChecklistCategory)}


def collection_alert_settings() -> CollectionAlertSettings:
    """The configuration row, created with the defaults when missing (a flushed database)."""
    row, _created = CollectionAlertSettings.objects.get_or_create(
        pk=1, defaults=dict(DEFAULT_ALERT_SETTINGS)
    )
    return row


def _has_evidence() -> Exists:
    return Exists(ChecklistEvidence.objects.filter(item_id=OuterRef("pk")))


INCOMPLETE_Q = Q(done_at__isnull=True) | Q(needs_evidence=True, has_evidence=False)


def incomplete_items() -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.annotate(has_evidence=_has_evidence()).filter(INCOMPLETE_Q)


def milestones_outstanding(queryset: QuerySet[PaymentMilestone]) -> QuerySet[PaymentMilestone]:
    """Milestones of contracts being collected that still have money owed (one query)."""
    return milestones_owing(queryset.filter(contract__status__in=COLLECTING_STATUSES))


def milestones_with_gaps(queryset: QuerySet[PaymentMilestone]) -> QuerySet[PaymentMilestone]:
    return queryset.filter(Exists(incomplete_items().filter(milestone_id=OuterRef("pk"))))


def item_is_complete(item: ChecklistItem, evidence_count: int) -> bool:
    return item.done_at is not None and (not item.needs_evidence or evidence_count > 0)


def lead_date(item: ChecklistItem, due_date: date | None) -> date | None:
    return due_date - timedelta(days=item.lead_days) if due_date is not None else None


@dataclass
class ItemRow:
    item: ChecklistItem
    evidence: list[ChecklistEvidence]
    complete: bool
    late: bool
    lead_on: date | None

    @property
    def missing_evidence(self) -> bool:
        return self.item.needs_evidence and not self.evidence


def item_row(item: ChecklistItem, due_date: date | None, today: date) -> ItemRow:
    prefetched: list[ChecklistEvidence] | None = getattr(item, _EVIDENCE_ATTR, None)
    evidence = prefetched if prefetched is not None else list(item.evidence.all())
    complete = item_is_complete(item, len(evidence))
    lead_on = lead_date(item, due_date)
    return ItemRow(
        item=item,
        evidence=evidence,
        complete=complete,
        late=not complete and lead_on is not None and today > lead_on,
        lead_on=lead_on,
    )


@dataclass
class CategoryColumn:
    category: str
    label: str
    rows: list[ItemRow] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for row in self.rows if row.complete)


@dataclass
class MilestoneChecklist:
    milestone: PaymentMilestone
    money: MilestoneMoney
    columns: list[CategoryColumn]
    # Outstanding and due within SUMMARY_DAYS (or overdue): its gaps are shown in red.
    due_soon: bool

    @property
    def rows(self) -> list[ItemRow]:
        return [row for column in self.columns for row in column.rows]

    @property
    def missing(self) -> list[ItemRow]:
        return [row for row in self.rows if not row.complete]


def _columns(rows: list[ItemRow]) -> list[CategoryColumn]:
    columns = {c.value: CategoryColumn(c.value, str(c.label)) for c in ChecklistCategory}
    for row in rows:
        columns[row.item.category].rows.append(row)
    return list(columns.values())


# The lists' evidence goes to a plain list: a related manager made for each of a page's ~150
# items cost ~2 ms of the director's gaps page (42 of 44).
_EVIDENCE_ATTR = "evidence_list"


def _evidence_prefetch() -> Prefetch:
    return Prefetch(
        "evidence", queryset=ChecklistEvidence.objects.order_by("pk"), to_attr=_EVIDENCE_ATTR
    )


def _items_prefetch() -> Prefetch:
    return Prefetch(
        "checklist_items",
        queryset=ChecklistItem.objects.select_related("done_by").prefetch_related(
            _evidence_prefetch()
        ),
    )


def _missing_items_prefetch() -> Prefetch:
    """Only the items a gap row shows: a director's page of 50 milestones held ~350 items, of
    which ~150 are missing, and each one's evidence set was built whether shown or not."""
    return Prefetch(
        "checklist_items",
        queryset=incomplete_items().prefetch_related(_evidence_prefetch()),
        to_attr="missing_items",
    )


def contract_checklist(contract: Contract, today: date) -> list[MilestoneChecklist]:
    """The contract's milestones, each with its items in 情/理/法 columns. The items must have
    been synced (`checklists_sync`)."""
    milestones = list(
        contract.milestones.all().prefetch_related(_items_prefetch()).order_by("position")
    )
    result = []
    for milestone in milestones:
        money = milestone_money(milestone, today)
        due = milestone.due_date
        rows = [item_row(i, due, today) for i in milestone.checklist_items.all()]
        result.append(
            MilestoneChecklist(
                milestone=milestone,
                money=money,
                columns=_columns(rows),
                due_soon=money.outstanding > 0
                and due is not None
                and due <= today + timedelta(days=SUMMARY_DAYS),
            )
        )
    return result


@dataclass(frozen=True)
class CategoryCount:
    category: str
    label: str
    done: int
    total: int


@dataclass(frozen=True)
class ContractSummary:
    contract: Contract
    counts: list[CategoryCount]
    # Items still missing on milestones due within SUMMARY_DAYS (or overdue).
    missing_soon: int

    @property
    def total(self) -> int:
        return sum(count.total for count in self.counts)


def contract_summary(contract: Contract, today: date) -> ContractSummary:
    checklists = contract_checklist(contract, today)
    done: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for checklist in checklists:
        for column in checklist.columns:
            done[column.category] += column.done
            total[column.category] += len(column.rows)
    return ContractSummary(
        contract=contract,
        counts=[
            CategoryCount(c.value, str(c.label), done[c.value], total[c.value])
            for c in ChecklistCategory
        ],
        missing_soon=sum(len(c.missing) for c in checklists if c.due_soon),
    )


def item_get_visible(user: User, pk: int) -> ChecklistItem:
    """The item, or 404 — an item of an invisible contract looks exactly like a missing one."""
    return get_object_or_404(
        ChecklistItem.objects.filter(
            milestone__contract__in=contracts_visible_to(user)
        ).select_related("milestone__contract__account", "done_by"),
        pk=pk,
    )


def evidence_get_visible(user: User, pk: int) -> ChecklistEvidence:
    return get_object_or_404(
        ChecklistEvidence.objects.filter(
            item__milestone__contract__in=contracts_visible_to(user)
        ).select_related("item__milestone__contract__account"),
        pk=pk,
    )


def gap_candidates(
    user: User, today: date, within_days: int, owner_id: int | None = None
) -> QuerySet[PaymentMilestone]:
    """The user's visible milestones still owed and due within `within_days` (or overdue).
    Visibility is checked on the milestone's own copy of the account, so a page walks the due
    dates checking each row, or gathers the visible accounts' milestones first
    (`list_gathers_by_id_sets`)."""
    queryset = PaymentMilestone.objects.filter(
        contract_visibility_q(user, as_id_sets=list_gathers_by_id_sets(user)),
        due_date__isnull=False,
        due_date__lte=today + timedelta(days=within_days),
    )
    if owner_id is not None:
        queryset = queryset.filter(contract__owner_id=owner_id)
    return milestones_outstanding(queryset)


@dataclass(frozen=True)
class GapRow:
    milestone: PaymentMilestone
    money: MilestoneMoney
    missing: list[ItemRow]

    @property
    def contract(self) -> Contract:
        return self.milestone.contract

    @property
    def late(self) -> int:
        return sum(1 for row in self.missing if row.late)


def checklist_gaps(
    user: User,
    today: date,
    within_days: int,
    *,
    owner_id: int | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[GapRow]:
    """The user's milestones still owed, due within `within_days` or overdue, that have missing
    checklist items — with those items. Their checklists are kept in step by the writes
    (kam.checklists.sync), so this only reads."""
    return gap_rows(gap_candidates(user, today, within_days, owner_id), today, offset, limit)


def gap_rows(
    milestones: QuerySet[PaymentMilestone], today: date, offset: int = 0, limit: int | None = None
) -> list[GapRow]:
    """Rows of `milestones` (already synced) that have gaps, earliest due first, in three
    queries: the milestones, their missing items, and those items' evidence."""
    queryset: Any = (
        milestones_with_gaps(milestones)
        .select_related("contract__account", "contract__owner")
        .prefetch_related(_missing_items_prefetch())
        .order_by("due_date", "contract_id", "position")
    )
    if limit is not None:
        queryset = queryset[offset : offset + limit]
    rows = []
    for milestone in queryset:
        missing = sorted(
            (item_row(item, milestone.due_date, today) for item in milestone.missing_items),
            key=lambda row: (not row.late, CATEGORY_ORDER[row.item.category], row.item.position),
        )
        rows.append(GapRow(milestone, milestone_money(milestone, today), missing))
    return rows
