"""Reminders: default time in the owner's zone, sent exactly once, and the morning digest."""

from datetime import UTC, datetime, timedelta

import pytest

from kam.notifications.models import Notification
from kam.tasks.enums import DeliveryStatus
from kam.tasks.models import Task, WebhookDelivery
from kam.tasks.services.manual import task_create, task_update
from kam.tasks.services.reminders import reminders_due_send, tasks_digest_send
from tests.tasks.conftest import NOW, TaskFactory, TeamWebhookFactory

pytestmark = pytest.mark.django_db


def test_default_reminder_is_nine_in_the_owners_zone(rep):
    due = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai
    task = task_create(actor=rep, data={"title": "报价", "due_at": due})
    assert task.remind_at == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def test_default_reminder_in_berlin(rep):
    rep.time_zone = "Europe/Berlin"
    rep.save()
    due = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # 17:00 in Berlin (CET)
    task = task_create(actor=rep, data={"title": "Angebot", "due_at": due})
    assert task.remind_at == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    summer = task_create(
        actor=rep, data={"title": "x", "due_at": datetime(2026, 7, 1, 12, tzinfo=UTC)}
    )
    assert summer.remind_at == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)  # CEST


def test_explicit_reminder_wins_and_a_changed_one_is_sent_again(rep):
    task = task_create(
        actor=rep,
        data={
            "title": "报价",
            "due_at": NOW + timedelta(days=2),
            "remind_at": NOW - timedelta(minutes=1),
        },
    )
    assert task.remind_at == NOW - timedelta(minutes=1)
    assert reminders_due_send(now=NOW) == 1
    task.refresh_from_db()
    task = task_update(task=task, actor=rep, version=task.version,
                       changes={"remind_at": NOW + timedelta(hours=1)})  # fmt: skip
    assert task.reminded_at is None
    assert reminders_due_send(now=NOW + timedelta(hours=1)) == 1
    assert Notification.objects.filter(recipient=rep).count() == 2


def test_reminder_is_claimed_exactly_once(rep, django_capture_on_commit_callbacks):
    task = TaskFactory(owner=rep, title="回电话", remind_at=NOW - timedelta(minutes=3),
                       due_at=NOW + timedelta(hours=8))  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_due_send(now=NOW) == 1
        assert reminders_due_send(now=NOW) == 0
    notes = list(Notification.objects.filter(recipient=rep))
    assert len(notes) == 1
    assert notes[0].title == "任务提醒：回电话" and notes[0].url == f"/tasks/{task.pk}/"
    assert "截止：2026-11-24 18:00" in notes[0].body  # shown in the owner's zone
    task.refresh_from_db()
    assert task.reminded_at == NOW


def test_claim_loses_to_a_concurrent_worker(rep):
    """The row is re-checked at claim time: a worker that already claimed it wins."""
    task = TaskFactory(owner=rep, remind_at=NOW - timedelta(minutes=3))
    Task.objects.filter(pk=task.pk).update(reminded_at=NOW)
    assert reminders_due_send(now=NOW) == 0
    assert not Notification.objects.exists()


def test_done_future_and_stale_reminders_are_not_sent(rep):
    TaskFactory(owner=rep, remind_at=NOW - timedelta(minutes=1), done_at=NOW - timedelta(hours=1))
    TaskFactory(owner=rep, remind_at=NOW + timedelta(minutes=1))
    TaskFactory(owner=rep, remind_at=NOW - timedelta(days=3))
    assert reminders_due_send(now=NOW) == 0


def test_reminder_goes_to_the_team_bot(rep, team_one, receiver, django_capture_on_commit_callbacks):
    hook = TeamWebhookFactory(team=team_one, url=f"{receiver.url}/cgi-bin/webhook/send?key=abc")
    TeamWebhookFactory(team=team_one, url=f"{receiver.url}/off", active=False)
    TeamWebhookFactory(team=team_one, url=f"{receiver.url}/digest-only", send_reminders=False)
    TaskFactory(owner=rep, title="回电话", remind_at=NOW - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_due_send(now=NOW) == 1
    assert [r["path"] for r in receiver.requests] == ["/cgi-bin/webhook/send?key=abc"]
    body = receiver.requests[0]["body"]
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["content"].startswith("**任务提醒：回电话**\n负责人：李销售")
    delivery = WebhookDelivery.objects.get(webhook=hook)
    assert delivery.status == DeliveryStatus.SENT and delivery.status_code == 200


@pytest.mark.parametrize("status", [500, None])
def test_failing_bot_does_not_break_the_reminder(
    status, rep, team_one, receiver, closed_port_url, django_capture_on_commit_callbacks
):
    receiver.status = status or 200
    url = f"{receiver.url}/hook" if status else closed_port_url
    hook = TeamWebhookFactory(team=team_one, url=url)
    TaskFactory(owner=rep, remind_at=NOW - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_due_send(now=NOW) == 1
    assert Notification.objects.filter(recipient=rep).count() == 1
    delivery = WebhookDelivery.objects.get(webhook=hook)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.status_code == status
    assert delivery.error


def test_digest_once_per_user_and_day(rep, colleague, team_one, receiver,
                                      django_capture_on_commit_callbacks):  # fmt: skip
    TeamWebhookFactory(team=team_one, url=f"{receiver.url}/hook")
    TaskFactory(owner=rep, title="今天的事", due_at=NOW + timedelta(hours=3))
    TaskFactory(owner=rep, title="昨天的事", due_at=NOW - timedelta(days=1))
    TaskFactory(owner=rep, title="下周的事", due_at=NOW + timedelta(days=7))
    TaskFactory(owner=colleague, title="已完成", due_at=NOW, done_at=NOW)
    morning = NOW - timedelta(hours=1, minutes=30)  # 08:30 Shanghai
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks_digest_send(now=morning) == 1
        assert tasks_digest_send(now=morning) == 0
    note = Notification.objects.get(recipient=rep)
    assert note.title == "今日任务 1 项，逾期 1 项"
    assert note.body == "· 昨天的事\n· 今天的事"
    assert note.url == "/my-day/"
    assert len(receiver.requests) == 1
    assert "李销售：今日 1 项，逾期 1 项" in receiver.requests[0]["body"]["markdown"]["content"]
