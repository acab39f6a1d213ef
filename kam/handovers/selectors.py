"""Reads for handovers: what a user owns (the things a handover moves), the records, choices."""

from dataclasses import dataclass, field

from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from kam.accounts.models import Account
from kam.accounts.rules import owner_scope_ids
from kam.approvals.enums import ApprovalStatus, StepStatus
from kam.approvals.models import Approval, ApprovalStep
from kam.handovers.enums import ItemKind
from kam.handovers.models import Handover, HandoverItem
from kam.handovers.rules import (
    handover_can_manage,
    handover_sees_all_items,
    handover_visibility_filter,
    managed_users_q,
)
from kam.leads.enums import LeadStatus
from kam.leads.models import Lead
from kam.opportunities.models import Opportunity
from kam.tasks.enums import TaskSource
from kam.tasks.models import Task
from kam.users.models import User

# Only live work changes hands: won/lost deals and converted/closed leads stay credited to the
# person who worked them (scorecards and win history read `owner`).
OPEN_LEAD_STATUSES = (LeadStatus.NEW, LeadStatus.WORKING)
# Steps not decided yet: the current one and those further down the chain.
OPEN_STEP_STATUSES = (StepStatus.PENDING, StepStatus.WAITING)


@dataclass
class OwnedWork:
    """Everything a user holds that a handover moves, as rows (locked when asked)."""

    accounts: list[Account] = field(default_factory=list)
    leads: list[Lead] = field(default_factory=list)
    opportunities: list[Opportunity] = field(default_factory=list)
    approval_steps: list[ApprovalStep] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            ItemKind.ACCOUNT: len(self.accounts),
            ItemKind.LEAD: len(self.leads),
            ItemKind.OPPORTUNITY: len(self.opportunities),
            ItemKind.APPROVAL_STEP: len(self.approval_steps),
            ItemKind.TASK: len(self.tasks),
        }

    @property
    def is_empty(self) -> bool:
        return not any(self.counts().values())


def accounts_owned(user: User) -> QuerySet[Account]:
    return Account.objects.filter(owner=user).order_by("pk")


def leads_owned(user: User) -> QuerySet[Lead]:
    return Lead.objects.filter(owner=user, status__in=OPEN_LEAD_STATUSES).order_by("pk")


def opportunities_owned(user: User) -> QuerySet[Opportunity]:
    return Opportunity.objects.filter(owner=user, closed_at__isnull=True).order_by("pk")


def approval_steps_assigned(user: User) -> QuerySet[ApprovalStep]:
    return ApprovalStep.objects.filter(
        approver=user, status__in=OPEN_STEP_STATUSES, approval__status=ApprovalStatus.PENDING
    ).order_by("pk")


def tasks_owned(user: User) -> QuerySet[Task]:
    """Open manual tasks. Derived ones (visit next steps, approvals to decide …) are not moved:
    the tasks app derives them from their source records, which this handover moves, and its
    sync closes the leaving user's copies."""
    return Task.objects.filter(owner=user, done_at__isnull=True, source=TaskSource.MANUAL).order_by(
        "pk"
    )


def handover_owned(user: User, *, lock: bool = False) -> OwnedWork:
    """What `user` holds now. With `lock`, the rows are locked for the caller's transaction in
    a fixed order (by kind, then pk), so two handovers can't deadlock or lose a concurrent edit.

    Foreign keys that writers change (owner, approver) are not joined in the locking query: on
    PostgreSQL FOR UPDATE would re-check the join and drop a row changed meanwhile."""

    def rows[M: models.Model](queryset: QuerySet[M]) -> list[M]:
        return list(queryset.select_for_update(of=("self",)) if lock else queryset)

    accounts = rows(accounts_owned(user))
    leads = rows(leads_owned(user))
    opportunities = rows(opportunities_owned(user))
    steps = rows(approval_steps_assigned(user))
    tasks = rows(tasks_owned(user))
    # The approvals are read after the lock, unlocked: their title and requester are all we use.
    approvals = Approval.objects.in_bulk({step.approval_id for step in steps})
    for step in steps:
        step.approval = approvals[step.approval_id]
    return OwnedWork(
        accounts=accounts,
        leads=leads,
        opportunities=opportunities,
        approval_steps=steps,
        tasks=tasks,
    )


def pending_requests_count(user: User) -> int:
    """Approvals the user asked for that are still open (they stay the user's records)."""
    return Approval.objects.filter(requester=user, status=ApprovalStatus.PENDING).count()


def handover_list(actor: User) -> QuerySet[Handover]:
    return handover_visibility_filter(
        actor, Handover.objects.select_related("from_user", "created_by", "reverses")
    ).order_by("-created_at", "-pk")


def handover_get_visible(actor: User, pk: int) -> Handover:
    return get_object_or_404(handover_list(actor), pk=pk)


def handover_items_visible(actor: User, handover: Handover) -> QuerySet[HandoverItem]:
    items = handover.items.select_related("from_user", "to_user").order_by("kind", "pk")
    if handover_sees_all_items(actor, handover):
        return items
    return items.filter(to_user=actor)


def handover_users_managed(actor: User) -> QuerySet[User]:
    """The people whose work the actor may hand over (active first, then by name)."""
    return (
        User.objects.filter(managed_users_q(actor))
        .select_related("team")
        .order_by("-is_active", "display_name", "username")
    )


def handover_user_get(actor: User, pk: int) -> User:
    """A user the actor manages; anyone else is a 404, as if they did not exist."""
    user = get_object_or_404(User.objects.select_related("team", "manager"), pk=pk)
    if not handover_can_manage(actor, user):
        raise Http404
    return user


def handover_receiver_choices(actor: User, *, exclude: User | None = None) -> QuerySet[User]:
    """Active people the actor may give work to (the leaving user excluded)."""
    users = User.objects.filter(is_active=True).select_related("team")
    if not actor.sees_everything:
        users = users.filter(pk__in=owner_scope_ids(actor))
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.order_by("display_name", "username")


def handovers_of_user(user: User) -> QuerySet[Handover]:
    return (
        Handover.objects.filter(from_user=user)
        .select_related("created_by", "reverses")
        .order_by("-created_at", "-pk")
    )
