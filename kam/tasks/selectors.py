"""Reads of tasks and group bots, always through who may see them."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404

from kam.accounts.rules import owner_scope_ids
from kam.approvals.selectors import approval_waiting_count
from kam.interactions.models import Interaction
from kam.opportunities.enums import IntentClass
from kam.opportunities.models import Opportunity
from kam.tasks.clock import day_bounds
from kam.tasks.enums import TaskScope, TaskStatus
from kam.tasks.models import Task, TeamWebhook, WebhookDelivery
from kam.tasks.rules import task_visibility_q, webhook_team_ids, webhook_visibility_q
from kam.users.models import Team, User

MY_DAY_LIMIT = 200
UPCOMING_DAYS = 7


def tasks_visible_to(user: User) -> QuerySet[Task]:
    return Task.objects.filter(task_visibility_q(user))


def task_get_visible(user: User, pk: int) -> Task:
    """The task, or 404 — someone else's task looks exactly like a missing one."""
    return get_object_or_404(
        tasks_visible_to(user).select_related("owner", "account", "opportunity", "lead"), pk=pk
    )


def tasks_list(user: User, filters: dict[str, Any], *, now: datetime) -> QuerySet[Task]:
    """Filters: scope (mine / team), status (open / overdue / done), source, owner (a pk)."""
    rows = tasks_visible_to(user)
    if filters.get("scope", TaskScope.MINE) != TaskScope.TEAM:
        rows = rows.filter(owner=user)
    owner = str(filters.get("owner") or "")
    if owner.isdigit():
        rows = rows.filter(owner_id=int(owner))
    status = filters.get("status") or ""
    if status == TaskStatus.OPEN:
        rows = rows.filter(done_at__isnull=True)
    elif status == TaskStatus.OVERDUE:
        rows = rows.filter(done_at__isnull=True, due_at__lt=now)
    elif status == TaskStatus.DONE:
        rows = rows.filter(done_at__isnull=False)
    if filters.get("source"):
        rows = rows.filter(source=filters["source"])
    return rows.select_related("owner", "account", "opportunity", "lead").order_by(
        F("done_at").desc(nulls_first=True), F("due_at").asc(nulls_last=True), "pk"
    )


@dataclass
class MyDay:
    today: date
    overdue: list[Task] = field(default_factory=list)
    due_today: list[Task] = field(default_factory=list)
    upcoming: list[Task] = field(default_factory=list)
    undated: list[Task] = field(default_factory=list)
    done_today: list[Task] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return len(self.overdue) + len(self.due_today)


def my_day_tasks(user: User, *, today: date) -> MyDay:
    """The user's own tasks on their local `today`: overdue, today, the next 7 days, those
    without a date, and what was ticked off today (two queries)."""
    start, end = day_bounds(today, user.time_zone)
    horizon = end + timedelta(days=UPCOMING_DAYS)
    base = Task.objects.filter(owner=user).select_related("account", "opportunity", "lead")
    day = MyDay(today=today)
    open_rows = base.filter(done_at__isnull=True).filter(
        Q(due_at__lt=horizon) | Q(due_at__isnull=True)
    )
    for task in open_rows.order_by(F("due_at").asc(nulls_last=True), "pk")[:MY_DAY_LIMIT]:
        if task.due_at is None:
            day.undated.append(task)
        elif task.due_at < start:
            day.overdue.append(task)
        elif task.due_at < end:
            day.due_today.append(task)
        else:
            day.upcoming.append(task)
    day.done_today = list(
        base.filter(done_at__gte=start, done_at__lt=end).order_by("-done_at", "-pk")[:50]
    )
    return day


def my_day_context(user: User, *, today: date) -> dict[str, Any]:
    """Everything on the my-day page beside the tasks."""
    return {
        "approvals_waiting": approval_waiting_count(user),
        "visits_today": list(
            Interaction.objects.filter(created_by=user, next_step_date=today)
            .exclude(next_step="")
            .select_related("account")
            .order_by("account__name", "pk")[:20]
        ),
        "a_deals": list(
            Opportunity.objects.filter(
                owner=user, intent_class=IntentClass.A, closed_at__isnull=True
            )
            .select_related("account", "stage")
            .order_by("expected_sign_date", "pk")[:20]
        ),
    }


def task_owner_choices(user: User) -> QuerySet[User]:
    users = User.objects.filter(is_active=True).order_by("display_name", "username")
    if user.sees_everything:
        return users
    return users.filter(pk__in=owner_scope_ids(user))


def webhooks_visible_to(user: User) -> QuerySet[TeamWebhook]:
    return (
        TeamWebhook.objects.filter(webhook_visibility_q(user))
        .select_related("team")
        .order_by("team__name", "name", "pk")
    )


def webhook_get_visible(user: User, pk: int) -> TeamWebhook:
    return get_object_or_404(webhooks_visible_to(user), pk=pk)


def webhooks_manageable_by(user: User) -> QuerySet[TeamWebhook]:
    teams = webhook_team_ids(user)
    hooks = TeamWebhook.objects.select_related("team").order_by("team__name", "name", "pk")
    return hooks if teams is None else hooks.filter(team_id__in=teams)


def webhook_teams_manageable(user: User) -> QuerySet[Team]:
    teams = webhook_team_ids(user)
    if teams is None:
        return Team.objects.order_by("name")
    return Team.objects.filter(pk__in=teams).order_by("name")


def webhook_deliveries(webhook_ids: list[int], limit: int = 30) -> list[WebhookDelivery]:
    return list(
        WebhookDelivery.objects.filter(webhook_id__in=webhook_ids)
        .select_related("webhook")
        .order_by("-created_at", "-pk")[:limit]
    )


def mask_url(url: str) -> str:
    """Enough to recognise the bot, not enough to post to it."""
    if len(url) <= 24:
        return "******"
    return f"{url[:20]}******{url[-4:]}"
