"""Coaching notes (R-REV-2): who writes them, follow-ups and the overdue reminder."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from kam.audit.models import FieldChange
from kam.notifications.models import Notification
from kam.reviews.models import CoachingNote
from kam.reviews.services.coaching import (
    coaching_follow_up_complete,
    coaching_note_create,
    coaching_note_update,
    coaching_overdue_notify,
)
from tests.conftest import client_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def _data(**extra):
    today = timezone.localdate()
    return {"kind": "accompanied_visit", "happened_on": today - timedelta(days=3),
            "account": None, "observations": "需求挖掘不够深入", "strengths": "准备充分",
            "improvements": "多问影响类问题", "follow_up_action": "提交 SPIN 提问清单",
            "follow_up_due": today + timedelta(days=4), **extra}  # fmt: skip


def test_manager_records_and_updates(rep, manager):
    account = AccountFactory(owner=rep)
    note = coaching_note_create(rep=rep, actor=manager, data=_data(account=account))
    assert note.coach == manager and note.account == account
    assert FieldChange.objects.filter(object_id=note.pk, field="observations").exists()
    note = coaching_note_update(note=note, actor=manager, version=0,
                                changes={"observations": "开场过长"})  # fmt: skip
    assert note.observations == "开场过长" and note.version == 1
    with pytest.raises(ValidationError):
        coaching_note_update(note=note, actor=manager, version=0, changes={})


def test_rep_and_outsiders_cannot_write(rep, colleague, other_manager):
    for someone in (rep, colleague, other_manager):
        with pytest.raises(PermissionDenied):
            coaching_note_create(rep=rep, actor=someone, data=_data())
    assert not CoachingNote.objects.exists()


def test_validation(rep, manager, other_rep):
    with pytest.raises(ValidationError) as error:
        tomorrow = timezone.localdate() + timedelta(days=1)
        coaching_note_create(rep=rep, actor=manager, data=_data(
            observations="", follow_up_action="", happened_on=tomorrow,
            account=AccountFactory(owner=other_rep)))  # fmt: skip
    assert set(error.value.message_dict) >= {
        "observations",
        "follow_up_action",
        "happened_on",
        "account",
    }


def test_follow_up_complete_and_overdue_reminder(rep, manager):
    note = coaching_note_create(rep=rep, actor=manager, data=_data())
    CoachingNote.objects.filter(pk=note.pk).update(
        follow_up_due=timezone.localdate() - timedelta(days=1)
    )
    today = timezone.localdate()
    assert coaching_overdue_notify(today=today) == 1
    assert coaching_overdue_notify(today=today) == 0
    assert Notification.objects.get(recipient=manager).url == note.get_absolute_url()
    with pytest.raises(PermissionDenied):
        coaching_follow_up_complete(note=note, actor=rep, result="做完了", version=0)
    note = coaching_follow_up_complete(note=note, actor=manager, result="已提交清单", version=0)
    assert note.follow_up_done_at is not None
    assert coaching_overdue_notify(today=today + timedelta(days=5)) == 0
    with pytest.raises(ValidationError):
        coaching_follow_up_complete(note=note, actor=manager, result="again", version=1)


def test_pages(rep, manager):
    client = client_for(manager)
    url = reverse("reviews:coaching_create") + f"?rep={rep.pk}"
    assert client.get(url).status_code == 200
    data = {**_data(), "happened_on": _data()["happened_on"].isoformat(),
            "follow_up_due": _data()["follow_up_due"].isoformat(), "account": ""}  # fmt: skip
    response = client.post(url, data)
    note = CoachingNote.objects.get()
    assert response.url == note.get_absolute_url()
    response = client.post(reverse("reviews:coaching_edit", args=[note.pk]),
                           {**data, "observations": "改过了", "version": 0})  # fmt: skip
    assert response.status_code == 302
    response = client.post(reverse("reviews:coaching_detail", args=[note.pk]),
                           {"follow_up_result": "完成", "version": 1})  # fmt: skip
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.observations == "改过了" and note.follow_up_result == "完成"
    rep_view = client_for(rep).get(note.get_absolute_url()).content.decode()
    assert "改过了" in rep_view and 'data-testid="edit-coaching"' not in rep_view


def test_overdue_is_highlighted(rep, manager):
    note = coaching_note_create(rep=rep, actor=manager, data=_data())
    CoachingNote.objects.filter(pk=note.pk).update(
        follow_up_due=timezone.localdate() - timedelta(days=2)
    )
    body = client_for(manager).get(reverse("reviews:coaching")).content.decode()
    assert 'data-testid="overdue"' in body and "review-overdue" in body


@pytest.mark.parametrize("rows", [1, 3])
def test_list_query_count(rep, manager, rows, django_assert_num_queries):
    for _ in range(rows):
        coaching_note_create(rep=rep, actor=manager, data=_data())
    client = client_for(manager)
    client.get(reverse("reviews:coaching"))
    with django_assert_num_queries(4):
        response = client.get(reverse("reviews:coaching"))
    assert response.content.decode().count("/reviews/coaching/") >= rows
