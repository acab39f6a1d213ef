"""Tasks derived from the rest of KAM: visit next steps, action plans, approvals waiting for
someone, lead follow-ups, executive engagement plans and collection checklist gaps.

Each source says which of its rows are open work, for whom, and under what key; syncing makes
the task list match: a new open row becomes a task, a changed one updates its task, a row that
is done (or gone) completes its task. A task that is already done is never re-opened, so a user
who ticked it off early is not bothered again.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.approvals.enums import ApprovalStatus, StepStatus
from kam.approvals.models import ApprovalStep
from kam.assessments.models import ActionItem
from kam.checklists.selectors import (
    collection_alert_settings,
    milestones_outstanding,
    milestones_with_gaps,
)
from kam.contacts.models import EngagementPlan
from kam.contracts.models import PaymentMilestone
from kam.interactions.models import Interaction
from kam.leads.enums import LeadStatus
from kam.leads.models import LeadFollowUp
from kam.tasks.enums import TaskSource
from kam.workcalendar.services import add_working_days

# How far back a visit's next step or a lead follow-up still becomes a task on the first sync,
# and how far ahead an engagement plan shows up.
NEXT_STEP_LOOKBACK_DAYS = 30
FOLLOW_UP_LOOKBACK_DAYS = 90
ENGAGEMENT_LOOKAHEAD_DAYS = 7


@dataclass(frozen=True)
class Derived:
    owner_id: int
    source: str
    key: str
    title: str
    due_on: date | None
    account_id: int | None = None
    opportunity_id: int | None = None
    lead_id: int | None = None
    url: str = ""


@dataclass(frozen=True)
class Source:
    kind: str
    owner_field: str
    # the open rows, whatever their date
    open_rows: Callable[[], QuerySet[Any]]
    # narrows open rows to those worth a new task
    window: Callable[[QuerySet[Any], date], QuerySet[Any]]
    derive: Callable[[Any], Derived]


def _interactions_open() -> QuerySet[Interaction]:
    # A later record by the same person on the same account means the next step was taken.
    later = Interaction.objects.filter(
        account_id=OuterRef("account_id"),
        created_by_id=OuterRef("created_by_id"),
        occurred_at__gt=OuterRef("occurred_at"),
    )
    return (
        Interaction.objects.exclude(next_step="")
        .filter(next_step_date__isnull=False, created_by__isnull=False, created_by__is_active=True)
        .exclude(Exists(later))
        .select_related("account")
    )


def _interaction_task(row: Interaction) -> Derived:
    return Derived(
        owner_id=row.created_by_id or 0,
        source=TaskSource.NEXT_STEP,
        key=f"interaction:{row.pk}",
        title=_("%(step)s（%(account)s）") % {"step": row.next_step, "account": row.account.name},
        due_on=row.next_step_date,
        account_id=row.account_id,
        url=row.get_absolute_url(),
    )


def _action_items_open() -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(
        done=False, opportunity__closed_at__isnull=True, owner__is_active=True
    ).select_related("opportunity")


def _action_item_task(row: ActionItem) -> Derived:
    opportunity = row.opportunity
    return Derived(
        owner_id=row.owner_id,
        source=TaskSource.ACTION_ITEM,
        key=f"action_item:{row.pk}",
        title=_("%(title)s（%(deal)s）") % {"title": row.title, "deal": opportunity.name},
        due_on=row.due_date,
        account_id=opportunity.account_id,
        opportunity_id=opportunity.pk,
        url=opportunity.get_absolute_url(),
    )


def _approval_steps_open() -> QuerySet[ApprovalStep]:
    return ApprovalStep.objects.filter(
        status=StepStatus.PENDING,
        approval__status=ApprovalStatus.PENDING,
        approver__is_active=True,
    ).select_related("approval")


def _approval_task(row: ApprovalStep) -> Derived:
    approval = row.approval
    submitted = timezone.localtime(approval.submitted_at).date()
    return Derived(
        owner_id=row.approver_id,
        source=TaskSource.APPROVAL,
        key=f"approval_step:{row.pk}",
        title=_("审批：%(title)s") % {"title": approval.title},
        # An approval waiting for someone is expected back within a working day.
        due_on=add_working_days(submitted, 1),
        account_id=approval.account_id,
        opportunity_id=approval.opportunity_id,
        url=approval.get_absolute_url(),
    )


def _follow_ups_open() -> QuerySet[LeadFollowUp]:
    # Only the latest follow-up's next step is open: recording a newer one settles the older.
    latest = LeadFollowUp.objects.filter(lead_id=OuterRef("lead_id")).order_by("-at", "-pk")
    return (
        LeadFollowUp.objects.exclude(next_step="")
        .filter(lead__status__in=[LeadStatus.NEW, LeadStatus.WORKING], lead__owner__is_active=True)
        .annotate(latest_pk=Subquery(latest.values("pk")[:1]))
        .filter(pk=F("latest_pk"))
        .select_related("lead")
    )


def _follow_up_task(row: LeadFollowUp) -> Derived:
    lead = row.lead
    return Derived(
        owner_id=lead.owner_id,
        source=TaskSource.FOLLOW_UP,
        key=f"lead_follow_up:{row.pk}",
        title=_("%(step)s（%(lead)s）") % {"step": row.next_step[:200], "lead": lead.company_name},
        due_on=None,
        account_id=lead.account_id,
        lead_id=lead.pk,
        url=reverse("leads:detail", args=[lead.pk]),
    )


def _engagements_open() -> QuerySet[EngagementPlan]:
    return EngagementPlan.objects.filter(active=True, our_executive__is_active=True).select_related(
        "contact", "contact__account"
    )


def _engagement_task(row: EngagementPlan) -> Derived:
    contact = row.contact
    return Derived(
        owner_id=row.our_executive_id,
        source=TaskSource.ENGAGEMENT,
        # The due date is part of the key: a recorded touch moves it on, which settles this
        # occurrence and opens the next one.
        key=f"engagement:{row.pk}:{row.next_due.isoformat()}",
        title=_("高层维护：%(contact)s（%(account)s）· %(purpose)s")
        % {"contact": contact.name, "account": contact.account.name, "purpose": row.purpose},
        due_on=row.next_due,
        account_id=contact.account_id,
        url=contact.account.get_absolute_url(),
    )


def _collection_gaps_open() -> QuerySet[PaymentMilestone]:
    # Open while money is owed and the checklist (synced by kam.checklists) has gaps.
    return milestones_with_gaps(
        milestones_outstanding(
            PaymentMilestone.objects.filter(due_date__isnull=False, contract__owner__is_active=True)
        )
    ).select_related("contract__account")


def _collection_task(row: PaymentMilestone) -> Derived:
    contract = row.contract
    return Derived(
        owner_id=contract.owner_id,
        source=TaskSource.COLLECTION,
        key=f"collection:{row.pk}",
        title=_("补齐回款清单：%(contract)s · %(milestone)s（%(account)s）")
        % {"contract": contract.name, "milestone": row, "account": contract.account.name},
        due_on=row.due_date,
        account_id=contract.account_id,
        url=reverse("checklists:contract", args=[contract.pk]),
    )


SOURCES: tuple[Source, ...] = (
    Source(
        kind=TaskSource.NEXT_STEP,
        owner_field="created_by_id",
        open_rows=_interactions_open,
        window=lambda rows, today: rows.filter(
            next_step_date__gte=today - timedelta(days=NEXT_STEP_LOOKBACK_DAYS)
        ),
        derive=_interaction_task,
    ),
    Source(
        kind=TaskSource.ACTION_ITEM,
        owner_field="owner_id",
        open_rows=_action_items_open,
        window=lambda rows, today: rows,
        derive=_action_item_task,
    ),
    Source(
        kind=TaskSource.APPROVAL,
        owner_field="approver_id",
        open_rows=_approval_steps_open,
        window=lambda rows, today: rows,
        derive=_approval_task,
    ),
    Source(
        kind=TaskSource.FOLLOW_UP,
        owner_field="lead__owner_id",
        open_rows=_follow_ups_open,
        window=lambda rows, today: rows.filter(
            at__date__gte=today - timedelta(days=FOLLOW_UP_LOOKBACK_DAYS)
        ),
        derive=_follow_up_task,
    ),
    Source(
        kind=TaskSource.ENGAGEMENT,
        owner_field="our_executive_id",
        open_rows=_engagements_open,
        window=lambda rows, today: rows.filter(
            next_due__lte=today + timedelta(days=ENGAGEMENT_LOOKAHEAD_DAYS)
        ),
        derive=_engagement_task,
    ),
    Source(
        kind=TaskSource.COLLECTION,
        owner_field="contract__owner_id",
        open_rows=_collection_gaps_open,
        window=lambda rows, today: rows.filter(
            due_date__lte=today + timedelta(days=collection_alert_settings().warn_days)
        ),
        derive=_collection_task,
    ),
)
SOURCES_BY_KIND = {source.kind: source for source in SOURCES}


def _for_owners(rows: QuerySet[Any], source: Source, owner_ids: set[int] | None) -> QuerySet[Any]:
    if owner_ids is None:
        return rows
    return rows.filter(**{f"{source.owner_field}__in": owner_ids})


def derived_new(*, owner_ids: set[int] | None, today: date) -> list[Derived]:
    """Everything that should be an open task now (for these owners, or everyone)."""
    found: list[Derived] = []
    for source in SOURCES:
        rows = source.window(_for_owners(source.open_rows(), source, owner_ids), today)
        found.extend(source.derive(row) for row in rows.order_by("pk").iterator(chunk_size=1000))
    return found


def source_row_id(key: str) -> int | None:
    parts = key.split(":")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def derived_still_open(tasks: Iterable[tuple[int, str, str]]) -> set[tuple[int, str]]:
    """Of these (owner, source kind, key) triples, the (owner, key) pairs whose source row is
    still open work for that owner, whatever its date: a task outside the creation window is not
    settled just by getting old, but one whose row moved to someone else is."""
    wanted: dict[str, set[int]] = {}
    for _owner_id, kind, key in tasks:
        row_id = source_row_id(key)
        if row_id is not None and kind in SOURCES_BY_KIND:
            wanted.setdefault(kind, set()).add(row_id)
    still: set[tuple[int, str]] = set()
    for kind, row_ids in wanted.items():
        source = SOURCES_BY_KIND[kind]
        for row in source.open_rows().filter(pk__in=list(row_ids)):
            derived = source.derive(row)
            still.add((derived.owner_id, derived.key))
    return still
