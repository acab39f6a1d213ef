"""The derived "checklist gaps due soon" task on the rep's my-day."""

import pytest

from kam.checklists.models import ChecklistItem
from kam.checklists.services import checklist_evidence_add, checklist_item_tick
from kam.tasks.enums import TaskSource
from kam.tasks.models import Task
from kam.tasks.services.derived import tasks_sync_all, tasks_sync_for
from tests.checklists.conftest import make_signed, milestone, pay, pdf

pytestmark = pytest.mark.django_db


def _collection_tasks() -> list[Task]:
    return list(Task.objects.filter(source=TaskSource.COLLECTION).order_by("pk"))


def test_a_milestone_with_gaps_due_soon_becomes_the_owners_task(rep):
    contract = make_signed(rep, [3, 30])
    tasks_sync_for(rep)
    [task] = _collection_tasks()
    assert task.owner == rep and task.source_key == f"collection:{milestone(contract).pk}"
    assert task.source_url == f"/checklists/contract/{contract.pk}/"
    assert contract.name in task.title and task.done_at is None
    tasks_sync_for(rep)
    assert len(_collection_tasks()) == 1


def test_the_task_is_done_when_the_gaps_are_closed(rep):
    make_signed(rep, [3])
    tasks_sync_all()
    for item in ChecklistItem.objects.all():
        checklist_item_tick(item=item, actor=rep)
    tasks_sync_all()
    assert _collection_tasks()[0].done_at is None  # evidence still missing
    for item in ChecklistItem.objects.filter(needs_evidence=True):
        checklist_evidence_add(item=item, actor=rep, upload=pdf())
    tasks_sync_all()
    assert _collection_tasks()[0].done_at is not None


def test_the_task_is_done_when_the_milestone_is_paid(rep, finance):
    contract = make_signed(rep, [-2])
    tasks_sync_all()
    assert _collection_tasks()[0].done_at is None
    pay(milestone(contract), finance)
    tasks_sync_all()
    assert _collection_tasks()[0].done_at is not None
