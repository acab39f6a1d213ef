"""Keeping derived tasks in step with their sources (`kam.tasks.sync` says what is open work):
create the new ones, carry changed titles and due dates over, complete the settled ones. Runs
as the system (history rows without an actor) and is idempotent, so the nightly job and a
person's my-day page can both call it.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kam.audit.services import audit_record_changes, audit_record_creation, audit_snapshot
from kam.tasks.clock import DATE_ONLY_DUE_AT, default_remind_at, local_moment
from kam.tasks.enums import TaskSource
from kam.tasks.models import Task
from kam.tasks.services.manual import AUDITED_FIELDS
from kam.tasks.sync import Derived, derived_new, derived_still_open
from kam.users.models import User


def _due_at(derived: Derived, zone_name: str) -> datetime | None:
    if derived.due_on is None:
        return None
    return local_moment(derived.due_on, DATE_ONLY_DUE_AT, zone_name)


def _zones(owner_ids: Iterable[int]) -> dict[int, str]:
    return dict(User.objects.filter(pk__in=set(owner_ids)).values_list("pk", "time_zone"))


def _close_settled(open_tasks: list[Task], now: datetime) -> int:
    still = derived_still_open((t.owner_id, t.source, t.source_key) for t in open_tasks)
    closed = 0
    for task in open_tasks:
        if (task.owner_id, task.source_key) in still:
            continue
        before = audit_snapshot(task, ["done_at"])
        if Task.objects.filter(pk=task.pk, done_at__isnull=True).update(
            done_at=now, version=F("version") + 1, updated_at=now
        ):
            task.done_at = now
            audit_record_changes(instance=task, before=before, actor=None)
            closed += 1
    return closed


def _refresh(task: Task, derived: Derived, zone_name: str) -> bool:
    """Carry a changed source (a moved due date, a renamed step) onto its open task."""
    due_at = _due_at(derived, zone_name)
    if task.title == derived.title[:300] and task.due_at == due_at:
        return False
    before = audit_snapshot(task, ["title", "due_at", "remind_at"])
    remind_at = default_remind_at(due_at, zone_name) if due_at else None
    updated = Task.objects.filter(pk=task.pk, version=task.version).update(
        title=derived.title[:300],
        due_at=due_at,
        remind_at=remind_at,
        reminded_at=None,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    if updated:
        task.title, task.due_at, task.remind_at = derived.title[:300], due_at, remind_at
        audit_record_changes(instance=task, before=before, actor=None)
    return bool(updated)


def _create(derived: Derived, zone_name: str) -> bool:
    due_at = _due_at(derived, zone_name)
    task, created = Task.objects.get_or_create(
        owner_id=derived.owner_id,
        source_key=derived.key,
        defaults={
            "source": derived.source,
            "title": derived.title[:300],
            "due_at": due_at,
            "remind_at": default_remind_at(due_at, zone_name) if due_at else None,
            "account_id": derived.account_id,
            "opportunity_id": derived.opportunity_id,
            "lead_id": derived.lead_id,
            "source_url": derived.url,
        },
    )
    if created:
        audit_record_creation(instance=task, fields=AUDITED_FIELDS, actor=None)
    return created


@transaction.atomic
def _sync(owner_ids: set[int] | None, now: datetime) -> dict[str, int]:
    today = timezone.localdate(now)
    wanted = {(d.owner_id, d.key): d for d in derived_new(owner_ids=owner_ids, today=today)}
    open_rows = Task.objects.filter(done_at__isnull=True).exclude(source=TaskSource.MANUAL)
    if owner_ids is not None:
        open_rows = open_rows.filter(owner_id__in=owner_ids)
    open_tasks = {(t.owner_id, t.source_key): t for t in open_rows}
    zones = _zones({owner for owner, _key in wanted} | {owner for owner, _key in open_tasks})
    counts = {"created": 0, "updated": 0, "closed": 0}
    counts["closed"] = _close_settled(
        [task for key, task in open_tasks.items() if key not in wanted], now
    )
    for key, task in open_tasks.items():
        if key in wanted:
            counts["updated"] += _refresh(task, wanted[key], zones.get(task.owner_id, ""))
    fresh = [derived for key, derived in wanted.items() if key not in open_tasks]
    # Derived tasks already done stay done: those keys are skipped, not re-created.
    known: set[tuple[int, str]] = set()
    keys = [d.key for d in fresh]
    for start in range(0, len(keys), 500):
        known.update(
            Task.objects.filter(source_key__in=keys[start : start + 500]).values_list(
                "owner_id", "source_key"
            )
        )
    for derived in fresh:
        if (derived.owner_id, derived.key) not in known:
            counts["created"] += _create(derived, zones.get(derived.owner_id, ""))
    return counts


def tasks_sync_for(user: User, *, now: datetime | None = None) -> dict[str, int]:
    """Bring one person's derived tasks up to date (their my-day page calls this)."""
    return _sync({user.pk}, now or timezone.now())


def tasks_sync_all(*, now: datetime | None = None) -> dict[str, int]:
    return _sync(None, now or timezone.now())
