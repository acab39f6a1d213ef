"""The morning collection alerts: gaps before the due date, overdue escalation, dedupe, and
working days only."""

from datetime import date

import pytest

from kam.checklists.alerts import collection_alerts_send
from kam.checklists.models import ChecklistItem
from kam.checklists.services import checklist_evidence_add, checklist_item_tick
from kam.notifications.enums import NotificationKind
from kam.notifications.models import Notification
from kam.workcalendar.services import is_working_day
from tests.checklists.conftest import make_signed, pdf

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)
TUESDAY = date(2026, 3, 3)
SATURDAY = date(2026, 3, 7)


def _recipients(contract) -> set[str]:
    return set(
        Notification.objects.filter(
            kind=NotificationKind.COLLECTION, subject_id=contract.milestones.get().pk
        ).values_list("recipient__username", flat=True)
    )


def test_the_days_used_are_what_they_claim():
    assert is_working_day(MONDAY) and is_working_day(TUESDAY) and not is_working_day(SATURDAY)


def test_gaps_due_soon_tell_the_owner_once_a_day(rep):
    contract = make_signed(rep, [3], today=MONDAY)
    far = make_signed(rep, [9], today=MONDAY, name="远期合同")
    assert collection_alerts_send(today=MONDAY) == 1
    assert collection_alerts_send(today=MONDAY) == 0
    note = Notification.objects.get()
    assert note.recipient == rep and note.url == f"/checklists/contract/{contract.pk}/"
    assert contract.name in note.title and _recipients(far) == set()
    assert collection_alerts_send(today=TUESDAY) == 1


def test_a_complete_checklist_sends_nothing_before_the_due_date(rep):
    make_signed(rep, [3], today=MONDAY)
    for item in ChecklistItem.objects.all():
        checklist_item_tick(item=item, actor=rep)
        if item.needs_evidence:
            checklist_evidence_add(item=item, actor=rep, upload=pdf())
    assert collection_alerts_send(today=MONDAY) == 0


def test_overdue_escalates_to_the_manager_and_then_the_director(rep, manager, director):
    five = make_signed(rep, [-5], today=MONDAY, name="逾期五天")
    fifteen = make_signed(rep, [-15], today=MONDAY, name="逾期十五天")
    thirty = make_signed(rep, [-30], today=MONDAY, name="逾期三十天")
    assert collection_alerts_send(today=MONDAY) == 1 + 2 + 3
    assert _recipients(five) == {"rep"}
    assert _recipients(fifteen) == {"rep", "manager"}
    assert _recipients(thirty) == {"rep", "manager", "director"}
    title = Notification.objects.filter(recipient=director).get().title
    assert "30" in title and "逾期三十天" in title
    # The next day the owner hears again; the escalations were sent once for this due date.
    assert collection_alerts_send(today=TUESDAY) == 3


def test_thresholds_come_from_the_settings_row(rep, manager, director):
    from kam.checklists.services import collection_alert_settings_update

    collection_alert_settings_update(
        actor=director,
        values={"warn_days": 2, "escalate_manager_days": 4, "escalate_director_days": 40},
    )
    soon = make_signed(rep, [3], today=MONDAY)
    late = make_signed(rep, [-5], today=MONDAY, name="逾期五天")
    collection_alerts_send(today=MONDAY)
    assert _recipients(soon) == set()
    assert _recipients(late) == {"rep", "manager"}


def test_nothing_on_a_non_working_day(rep):
    make_signed(rep, [1, -40], today=SATURDAY)
    assert collection_alerts_send(today=SATURDAY) == 0
    assert not Notification.objects.exists()
