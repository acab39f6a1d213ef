from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from kam.contacts.enums import ContactStatus
from kam.contacts.services import contact_mark_status
from kam.notifications.enums import NotificationKind
from kam.notifications.models import Notification
from kam.notifications.services import (
    engagement_overdue_notify,
    notification_mark_read,
    notifications_mark_all_read,
    notify,
)
from kam.notifications.tasks import engagement_overdue_sweep, notification_email_send
from tests.factories import AccountFactory, ContactFactory, EngagementPlanFactory, UserFactory


@pytest.fixture
def account(rep):
    return AccountFactory(owner=rep, name="西安市第一人民医院")


def test_notify_creates_one_row_per_active_recipient_when_duplicates_and_inactive(rep, manager):
    gone = UserFactory(is_active=False)
    rows = notify(
        recipients=[rep, rep, None, manager, gone],
        kind=NotificationKind.GENERAL,
        title="测试通知",
        url="/accounts/",
        send_email=False,
    )
    assert len(rows) == 2
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {rep.pk, manager.pk}
    assert not Notification.objects.filter(recipient=gone).exists()


def test_notify_refuses_external_urls_and_unknown_kinds(rep):
    with pytest.raises(ValueError):
        notify(recipients=[rep], kind=NotificationKind.GENERAL, title="x", url="https://evil")
    with pytest.raises(ValueError):
        notify(recipients=[rep], kind="nope", title="x")
    assert not Notification.objects.exists()


def test_notify_with_dedupe_key_skips_recipients_already_notified(rep, manager):
    notify(recipients=[rep], kind="general", title="a", dedupe_key="k1", send_email=False)
    rows = notify(
        recipients=[rep, manager], kind="general", title="a", dedupe_key="k1", send_email=False
    )
    assert [r.recipient_id for r in rows] == [manager.pk]
    assert Notification.objects.filter(recipient=rep).count() == 1


def test_notify_emails_after_commit_once_even_when_task_runs_twice(
    rep, django_capture_on_commit_callbacks
):
    rep.email = "rep@example.com"
    rep.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(
            recipients=[rep], kind="general", title="合同待审批", body="请尽快处理。", url="/a/1/"
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "[KAM] 合同待审批"
    assert message.to == ["rep@example.com"]
    assert "http://127.0.0.1:8000/a/1/" in message.body
    assert "请尽快处理。" in message.body
    rows[0].refresh_from_db()
    assert rows[0].emailed_at is not None
    assert notification_email_send.call([rows[0].pk]) == 0
    assert len(mail.outbox) == 1


def test_email_task_skips_recipients_without_an_address(rep, manager):
    manager.email = "boss@example.com"
    manager.save(update_fields=["email"])
    rows = notify(recipients=[rep, manager], kind="general", title="t", send_email=False)
    assert notification_email_send.call([r.pk for r in rows]) == 1
    assert [m.to for m in mail.outbox] == [["boss@example.com"]]
    assert Notification.objects.get(recipient=rep).emailed_at is None
    assert Notification.objects.get(recipient=manager).emailed_at is not None


def test_email_task_runs_through_the_tasks_backend(rep, django_capture_on_commit_callbacks):
    rep.email = "rep@example.com"
    rep.save(update_fields=["email"])
    rows = notify(recipients=[rep], kind="general", title="t", send_email=False)
    notification_email_send.enqueue([rows[0].pk])  # huey runs immediately in tests
    assert len(mail.outbox) == 1


def test_mark_read_and_mark_all_read_only_touch_own_rows(rep, colleague):
    mine = notify(recipients=[rep], kind="general", title="1", send_email=False)[0]
    notify(recipients=[rep], kind="general", title="2", send_email=False)
    theirs = notify(recipients=[colleague], kind="general", title="3", send_email=False)[0]
    notification_mark_read(user=rep, notification=mine)
    mine.refresh_from_db()
    assert mine.read_at is not None
    first_read = mine.read_at
    notification_mark_read(user=rep, notification=mine)
    mine.refresh_from_db()
    assert mine.read_at == first_read
    with pytest.raises(PermissionDenied):
        notification_mark_read(user=rep, notification=theirs)
    assert notifications_mark_all_read(user=rep) == 1
    assert not Notification.objects.filter(recipient=rep, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_personnel_change_notifies_owner_and_owners_manager(
    account, rep, manager, director, django_capture_on_commit_callbacks
):
    contact = ContactFactory(account=account, name="张主任")
    with django_capture_on_commit_callbacks(execute=True):
        contact_mark_status(
            contact=contact, status=ContactStatus.LEFT, note="调往省卫健委", actor=director
        )
    rows = Notification.objects.filter(kind=NotificationKind.PERSONNEL_CHANGE)
    assert {n.recipient_id for n in rows} == {rep.pk, manager.pk}
    note = rows.get(recipient=rep)
    assert note.url == account.get_absolute_url()
    assert "张主任" in note.title and "西安市第一人民医院" in note.title
    assert "调往省卫健委" in note.body
    assert note.subject_id == contact.pk


def test_personnel_change_does_not_notify_the_actor_or_on_return_to_post(account, rep, manager):
    contact = ContactFactory(account=account)
    contact_mark_status(contact=contact, status=ContactStatus.CHANGED_POST, note="调岗", actor=rep)
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [manager.pk]
    contact_mark_status(contact=contact, status=ContactStatus.IN_POST, note="", actor=rep)
    assert Notification.objects.count() == 1


def test_engagement_overdue_notifies_executive_once_per_due_date(account, rep, manager):
    contact = ContactFactory(account=account, name="刘院长")
    plan = EngagementPlanFactory(contact=contact, our_executive=manager, next_due=date(2026, 11, 1))
    EngagementPlanFactory(contact=contact, our_executive=rep, next_due=date(2026, 12, 1))
    EngagementPlanFactory(
        contact=contact, our_executive=rep, next_due=date(2026, 10, 1), active=False
    )
    assert engagement_overdue_notify(today=date(2026, 11, 10)) == 1
    assert engagement_overdue_notify(today=date(2026, 11, 11)) == 0
    note = Notification.objects.get()
    assert note.recipient == manager
    assert note.kind == NotificationKind.ENGAGEMENT_OVERDUE
    assert "刘院长" in note.title
    assert note.url == account.get_absolute_url()
    # Touched, then slipped again: a new due date is a new reminder.
    plan.next_due = date(2026, 12, 5)
    plan.save(update_fields=["next_due"])
    assert engagement_overdue_notify(today=date(2026, 12, 10)) == 2
    assert Notification.objects.filter(recipient=manager).count() == 2


def test_engagement_overdue_periodic_task_calls_the_service(account, manager):
    EngagementPlanFactory(
        contact=ContactFactory(account=account), our_executive=manager, next_due=date(2000, 1, 1)
    )
    engagement_overdue_sweep.call_local()
    engagement_overdue_sweep.call_local()
    assert Notification.objects.filter(recipient=manager).count() == 1
