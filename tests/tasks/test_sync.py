"""Derived tasks: each source becomes a task once, and finishing the source finishes the task."""

from datetime import UTC, date, datetime, timedelta

import pytest

from kam.audit.models import FieldChange
from kam.tasks.models import Task
from kam.tasks.services.derived import tasks_sync_all, tasks_sync_for
from kam.tasks.services.manual import task_complete
from tests.factories import (
    AccountFactory,
    ActionItemFactory,
    ApprovalFactory,
    ApprovalStepFactory,
    ContactFactory,
    EngagementPlanFactory,
    InteractionFactory,
    LeadFactory,
    LeadFollowUpFactory,
    OpportunityFactory,
)
from tests.tasks.conftest import NOW

pytestmark = pytest.mark.django_db


def _only(**filters):
    rows = list(Task.objects.filter(**filters))
    assert len(rows) == 1, rows
    return rows[0]


def test_action_item_task_is_created_once_and_closed_with_its_item(rep):
    item = ActionItemFactory(opportunity=OpportunityFactory(account=AccountFactory(owner=rep)),
                             due_date=date(2026, 11, 26))  # fmt: skip
    assert tasks_sync_all(now=NOW)["created"] == 1
    assert tasks_sync_all(now=NOW) == {"created": 0, "updated": 0, "closed": 0}
    task = _only(owner=rep, source="action_item")
    assert task.source_key == f"action_item:{item.pk}"
    assert task.opportunity_id == item.opportunity_id and task.done_at is None
    # due by 18:00 Shanghai, reminded at 09:00 Shanghai
    assert task.due_at == datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    assert task.remind_at == datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
    assert FieldChange.objects.filter(object_id=task.pk, field="title").exists()

    item.done = True
    item.save()
    assert tasks_sync_all(now=NOW)["closed"] == 1
    task.refresh_from_db()
    assert task.done_at == NOW and task.done_by is None
    assert FieldChange.objects.filter(object_id=task.pk, field="done_at").exists()


def test_moved_due_date_follows_the_source(rep):
    item = ActionItemFactory(opportunity=OpportunityFactory(account=AccountFactory(owner=rep)),
                             due_date=date(2026, 11, 26))  # fmt: skip
    tasks_sync_all(now=NOW)
    item.due_date = date(2026, 11, 30)
    item.save()
    assert tasks_sync_all(now=NOW)["updated"] == 1
    task = _only(owner=rep)
    assert task.remind_at == datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    assert task.reminded_at is None and task.version == 1


def test_a_task_done_by_hand_is_not_reopened_or_recreated(rep):
    ActionItemFactory(opportunity=OpportunityFactory(account=AccountFactory(owner=rep)))
    tasks_sync_all(now=NOW)
    task = _only(owner=rep)
    task_complete(task=task, actor=rep)
    assert tasks_sync_all(now=NOW) == {"created": 0, "updated": 0, "closed": 0}
    task.refresh_from_db()
    assert task.done_at is not None and task.done_by == rep
    assert Task.objects.count() == 1


def test_reassigned_item_moves_the_task(rep, colleague):
    item = ActionItemFactory(opportunity=OpportunityFactory(account=AccountFactory(owner=rep)))
    tasks_sync_all(now=NOW)
    item.owner = colleague
    item.save()
    counts = tasks_sync_all(now=NOW)
    assert counts["created"] == 1 and counts["closed"] == 1
    assert _only(owner=rep).done_at is not None
    assert _only(owner=colleague).done_at is None


def test_next_step_task_closes_when_the_next_visit_is_recorded(rep):
    account = AccountFactory(owner=rep)
    visit = InteractionFactory(account=account, next_step="送测试报告",
                               next_step_date=date(2026, 11, 25))  # fmt: skip
    tasks_sync_for(rep, now=NOW)
    task = _only(owner=rep, source="next_step")
    assert task.source_key == f"interaction:{visit.pk}" and task.account_id == account.pk
    assert "送测试报告" in task.title and task.source_url == visit.get_absolute_url()
    InteractionFactory(account=account, occurred_at=visit.occurred_at + timedelta(days=1))
    assert tasks_sync_for(rep, now=NOW)["closed"] == 1


def test_old_next_steps_are_not_synced_in_but_old_open_tasks_stay_open(rep):
    account = AccountFactory(owner=rep)
    InteractionFactory(account=account, next_step="旧的下一步", next_step_date=date(2026, 9, 1))
    assert tasks_sync_all(now=NOW)["created"] == 0
    recent = InteractionFactory(account=account, next_step="新", next_step_date=date(2026, 11, 1),
                                occurred_at=datetime(2026, 11, 3, tzinfo=UTC))  # fmt: skip
    tasks_sync_all(now=NOW)
    # a month later the step is outside the creation window but still not done
    assert tasks_sync_all(now=NOW + timedelta(days=60))["closed"] == 0
    assert _only(source_key=f"interaction:{recent.pk}").done_at is None


def test_approval_task_for_the_current_approver_closes_when_decided(rep, manager):
    approval = ApprovalFactory(requester=rep, title="立项审批：数据中心",
                               submitted_at=datetime(2026, 11, 23, 2, tzinfo=UTC))  # fmt: skip
    step = ApprovalStepFactory(approval=approval, approver=manager)
    ApprovalStepFactory(approval=approval, approver=rep, position=2, status="waiting")
    tasks_sync_all(now=NOW)
    task = _only(owner=manager, source="approval")
    assert task.source_key == f"approval_step:{step.pk}"
    assert task.source_url == approval.get_absolute_url()
    assert task.due_at == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # next working day
    assert not Task.objects.filter(owner=rep).exists()
    step.status = "approved"
    step.save()
    assert tasks_sync_all(now=NOW)["closed"] == 1


def test_approval_due_counts_from_the_local_day_it_was_submitted(rep, manager):
    # 2026-11-22 (a Sunday) 23:00 UTC is Monday 11-23 07:00 in Shanghai: due Tuesday, not Monday.
    approval = ApprovalFactory(requester=rep, submitted_at=datetime(2026, 11, 22, 23, tzinfo=UTC))
    ApprovalStepFactory(approval=approval, approver=manager)
    tasks_sync_all(now=NOW)
    assert _only(owner=manager, source="approval").due_at == datetime(
        2026, 11, 24, 10, 0, tzinfo=UTC
    )


def test_follow_up_task_is_the_latest_next_step_of_an_open_lead(rep):
    lead = LeadFactory(owner=rep)
    first = LeadFollowUpFactory(
        lead=lead, next_step="发送方案", at=datetime(2026, 11, 20, tzinfo=UTC)
    )
    tasks_sync_all(now=NOW)
    assert _only(owner=rep).source_key == f"lead_follow_up:{first.pk}"
    second = LeadFollowUpFactory(
        lead=lead, next_step="约见采购", at=datetime(2026, 11, 22, tzinfo=UTC)
    )
    counts = tasks_sync_all(now=NOW)
    assert counts == {"created": 1, "updated": 0, "closed": 1}
    assert _only(done_at__isnull=True).source_key == f"lead_follow_up:{second.pk}"
    assert _only(done_at__isnull=True).lead_id == lead.pk
    lead.status = "disqualified"
    lead.save()
    assert tasks_sync_all(now=NOW)["closed"] == 1


def test_engagement_task_per_due_date(rep):
    plan = EngagementPlanFactory(contact=ContactFactory(account=AccountFactory(owner=rep)),
                                 next_due=date(2026, 11, 28))  # fmt: skip
    EngagementPlanFactory(contact=ContactFactory(account=AccountFactory(owner=rep)),
                          next_due=date(2027, 1, 28))  # too far ahead  # fmt: skip
    tasks_sync_all(now=NOW)
    assert _only(owner=rep).source_key == f"engagement:{plan.pk}:2026-11-28"
    plan.next_due = date(2026, 12, 28)
    plan.last_done = date(2026, 11, 27)
    plan.save()
    counts = tasks_sync_all(now=NOW)
    assert counts["closed"] == 1 and counts["created"] == 0


def test_sync_for_one_user_leaves_others_alone(rep, other_rep):
    ActionItemFactory(opportunity=OpportunityFactory(account=AccountFactory(owner=rep)))
    ActionItemFactory(opportunity=OpportunityFactory(account=AccountFactory(owner=other_rep)))
    tasks_sync_for(rep, now=NOW)
    assert list(Task.objects.values_list("owner_id", flat=True)) == [rep.pk]
