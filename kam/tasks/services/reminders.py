"""Reminders and the morning digest (SPEC R-REV-3): to the owner in KAM and, when the team
has a group bot for it, to the team's chat. Each run may overlap another or be retried, so
every send is claimed or deduplicated first.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.notifications.enums import NotificationKind
from kam.notifications.services import notify
from kam.tasks.clock import day_bounds, local_day, zone_of
from kam.tasks.enums import WebhookEvent
from kam.tasks.models import Task, TeamWebhook
from kam.tasks.webhooks import webhook_delivery_enqueue
from kam.users.models import User

# A reminder more than this late (the worker was down, an old task was synced in) is dropped
# rather than sent out of context.
REMINDER_GRACE = timedelta(hours=24)
REMINDER_BATCH = 500
DIGEST_LINES = 10


def _link(path: str) -> str:
    return settings.KAM_BASE_URL.rstrip("/") + path


def _team_hooks(team_ids: Iterable[int], *, digest: bool) -> dict[int, list[TeamWebhook]]:
    flag = {"send_digest": True} if digest else {"send_reminders": True}
    hooks: dict[int, list[TeamWebhook]] = defaultdict(list)
    for hook in TeamWebhook.objects.filter(team_id__in=set(team_ids), active=True, **flag):
        hooks[hook.team_id].append(hook)
    return hooks


def _reminder_text(task: Task) -> str:
    owner = task.owner
    lines = [_("负责人：%(owner)s") % {"owner": owner}]
    if task.due_at:
        due = task.due_at.astimezone(zone_of(owner.time_zone))
        lines.append(_("截止：%(due)s") % {"due": due.strftime("%Y-%m-%d %H:%M")})
    if task.note:
        lines.append(task.note[:500])
    lines.append(_link(task.source_url or task.get_absolute_url()))
    return "\n".join(lines)


def reminders_due_send(*, now: datetime | None = None) -> int:
    """Remind the owners of tasks whose reminder time has come. Each task is claimed with a
    conditional update first, so two workers (or a retried job) never remind twice. Returns how
    many tasks were reminded."""
    now = now or timezone.now()
    due = list(
        Task.objects.filter(
            remind_at__lte=now,
            remind_at__gt=now - REMINDER_GRACE,
            reminded_at__isnull=True,
            done_at__isnull=True,
        )
        .select_related("owner")
        .order_by("remind_at", "pk")[:REMINDER_BATCH]
    )
    hooks = _team_hooks((t.owner.team_id for t in due if t.owner.team_id), digest=False)
    sent = 0
    for task in due:
        with transaction.atomic():
            claimed = Task.objects.filter(
                pk=task.pk, reminded_at__isnull=True, done_at__isnull=True
            ).update(reminded_at=now)
            if claimed != 1:
                continue
            title = _("任务提醒：%(title)s") % {"title": task.title}
            text = _reminder_text(task)
            notify(
                recipients=[task.owner],
                kind=NotificationKind.TASK_REMINDER,
                title=title,
                body=text,
                url=task.source_url or task.get_absolute_url(),
                subject=task,
                dedupe_key=f"task_reminder:{task.pk}:{task.remind_at:%Y%m%d%H%M}",
            )
            for hook in hooks.get(task.owner.team_id or 0, []):
                webhook_delivery_enqueue(
                    webhook=hook, event=WebhookEvent.REMINDER, title=title, text=text
                )
        sent += 1
    return sent


def tasks_digest_send(*, now: datetime | None = None) -> int:
    """The morning list: each person with tasks due today or overdue gets one notification per
    local day; a team's group bot gets one summary of its members. Returns notifications made."""
    now = now or timezone.now()
    rows = (
        Task.objects.filter(done_at__isnull=True, due_at__lt=now + timedelta(days=2))
        .select_related("owner")
        .order_by("owner_id", "due_at", "pk")
    )
    by_owner: dict[int, list[Task]] = defaultdict(list)
    owners: dict[int, User] = {}
    for task in rows:
        by_owner[task.owner_id].append(task)
        owners[task.owner_id] = task.owner
    created = 0
    team_lines: dict[int, list[str]] = defaultdict(list)
    for owner_id, tasks in by_owner.items():
        owner = owners[owner_id]
        if not owner.is_active:
            continue
        today = local_day(now, owner.time_zone)
        start, end = day_bounds(today, owner.time_zone)
        overdue = [t for t in tasks if t.due_at is not None and t.due_at < start]
        today_tasks = [t for t in tasks if t.due_at is not None and start <= t.due_at < end]
        if not overdue and not today_tasks:
            continue
        title = _("今日任务 %(today)s 项，逾期 %(overdue)s 项") % {
            "today": len(today_tasks),
            "overdue": len(overdue),
        }
        body = "\n".join(f"· {t.title}" for t in [*overdue, *today_tasks][:DIGEST_LINES])
        with transaction.atomic():
            created += len(
                notify(
                    recipients=[owner],
                    kind=NotificationKind.TASK_REMINDER,
                    title=title,
                    body=body,
                    url=reverse("tasks:my_day"),
                    dedupe_key=f"task_digest:{today.isoformat()}",
                )
            )
        if owner.team_id:
            team_lines[owner.team_id].append(
                _("%(owner)s：今日 %(today)s 项，逾期 %(overdue)s 项")
                % {"owner": owner, "today": len(today_tasks), "overdue": len(overdue)}
            )
    day = timezone.localdate(now).isoformat()
    for team_id, hooks in _team_hooks(team_lines, digest=True).items():
        for hook in hooks:
            with transaction.atomic():
                webhook_delivery_enqueue(
                    webhook=hook,
                    event=WebhookEvent.DIGEST,
                    title=_("今日任务摘要"),
                    text="\n".join(team_lines[team_id]) + "\n" + _link(reverse("tasks:my_day")),
                    dedupe_key=f"digest:{day}",
                )
    return created
