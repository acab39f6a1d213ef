from datetime import date, timedelta

import pytest
from django.utils import timezone

from kam.intents.services import intent_a_stale_notify, intent_team_quiet_notify
from kam.notifications.models import Notification
from kam.workcalendar.services import is_working_day
from tests.factories import AccountFactory, OpportunityFactory, TeamFactory, UserFactory
from tests.intents.conftest import change_add, local


def _quiet_for(user):
    return list(
        Notification.objects.filter(recipient=user, kind="intent_team_quiet").values_list(
            "dedupe_key", flat=True
        )
    )


def test_shipped_calendar_around_national_day(db):
    # The test below relies on these 2026 days from the shipped calendar.
    assert not any(is_working_day(date(2026, 10, d)) for d in range(1, 8))
    assert is_working_day(date(2026, 10, 8)) and is_working_day(date(2026, 10, 9))
    assert is_working_day(date(2026, 10, 10))  # Saturday, make-up workday
    assert not is_working_day(date(2026, 10, 11))


def test_team_quiet_counts_working_days_across_national_day(rep, manager, other_rep, other_manager):
    deal = OpportunityFactory(account=AccountFactory(owner=rep), intent_class="A")
    change_add(subject=deal, from_class="B", to_class="A", at=local(2026, 9, 30, 15, 0))
    # Oct 8 and 9: the 3 working days before are Sep 28–30 / Sep 29–Oct 8; the holiday week
    # does not count, so the Sep 30 A is still recent.
    assert intent_team_quiet_notify(today=date(2026, 10, 8)) == 1  # only team two, never any A
    assert intent_team_quiet_notify(today=date(2026, 10, 9)) == 0
    # Saturday Oct 10 is a make-up workday: checked, and Sep 30 is still within Sep 30–Oct 9.
    assert intent_team_quiet_notify(today=date(2026, 10, 10)) == 0
    # Sunday: not a working day, no check at all.
    assert intent_team_quiet_notify(today=date(2026, 10, 11)) == 0
    assert _quiet_for(manager) == []
    # Monday Oct 12: Oct 8, 9 and the make-up Saturday 10 had no new A.
    assert intent_team_quiet_notify(today=date(2026, 10, 12)) == 1
    assert _quiet_for(manager) == [f"intent_team_quiet:{rep.team_id}:2026-09-30"]
    note = Notification.objects.get(recipient=manager)
    assert "2026-10-08" in note.body and "2026-10-10" in note.body
    assert note.url == f"/intents/?team={rep.team_id}"
    assert len(_quiet_for(other_manager)) == 1


def test_team_quiet_is_sent_once_per_quiet_stretch(rep, manager):
    deal = OpportunityFactory(account=AccountFactory(owner=rep), intent_class="A")
    change_add(subject=deal, from_class="", to_class="A", at=local(2026, 11, 2, 10, 0))
    intent_team_quiet_notify(today=date(2026, 11, 9))
    intent_team_quiet_notify(today=date(2026, 11, 9))
    intent_team_quiet_notify(today=date(2026, 11, 10))
    assert len(_quiet_for(manager)) == 1
    # A new A, then quiet again: a new stretch, a new alert.
    change_add(subject=deal, from_class="B", to_class="A", at=local(2026, 11, 11, 10, 0))
    intent_team_quiet_notify(today=date(2026, 11, 12))
    assert len(_quiet_for(manager)) == 1
    intent_team_quiet_notify(today=date(2026, 11, 17))
    assert len(_quiet_for(manager)) == 2


def test_team_quiet_ignores_downgrades_and_carried_over_a(rep, manager):
    deal = OpportunityFactory(account=AccountFactory(owner=rep), intent_class="A")
    change_add(subject=deal, from_class="A", to_class="A", at=local(2026, 11, 19, 10, 0))
    change_add(subject=deal, from_class="A", to_class="B", at=local(2026, 11, 20, 10, 0))
    intent_team_quiet_notify(today=date(2026, 11, 23))
    assert len(_quiet_for(manager)) == 1


def test_team_quiet_goes_to_reps_managers_when_team_has_no_sales_manager(director, division):
    team = TeamFactory(name="三组", parent=division)
    UserFactory(username="rep3", team=team, manager=director)
    intent_team_quiet_notify(today=date(2026, 11, 23))
    assert len(_quiet_for(director)) == 1


@pytest.fixture
def stale_deal(rep, a_deal):
    old = timezone.now() - timedelta(days=10)
    a_deal.stage_entered_at = old
    a_deal.save(update_fields=["stage_entered_at"])
    change_add(subject=a_deal, from_class="B", to_class="A", at=old)
    return a_deal


def test_stale_a_notifies_owner_and_manager_once(rep, manager, stale_deal):
    assert intent_a_stale_notify() == 2
    assert intent_a_stale_notify() == 0
    notes = Notification.objects.filter(kind="intent_a_stale")
    assert {n.recipient for n in notes} == {rep, manager}
    assert all(n.url == stale_deal.get_absolute_url() for n in notes)
    assert "10" in notes[0].title


def test_recent_class_change_or_stage_move_is_movement(rep, stale_deal):
    change_add(subject=stale_deal, from_class="B", to_class="A",
               at=timezone.now() - timedelta(days=2))  # fmt: skip
    assert intent_a_stale_notify() == 0


def test_recent_stage_move_is_movement(rep, stale_deal):
    stale_deal.stage_entered_at = timezone.now() - timedelta(days=1)
    stale_deal.save(update_fields=["stage_entered_at"])
    assert intent_a_stale_notify() == 0


def test_stale_ignores_closed_and_non_a_deals(rep, stale_deal):
    stale_deal.closed_at = timezone.now()
    stale_deal.save(update_fields=["closed_at"])
    OpportunityFactory(account=stale_deal.account, intent_class="B",
                       stage_entered_at=timezone.now() - timedelta(days=30))  # fmt: skip
    assert intent_a_stale_notify() == 0


def test_stale_uses_stage_entry_when_no_history(rep, a_deal):
    a_deal.stage_entered_at = timezone.now() - timedelta(days=6)
    a_deal.save(update_fields=["stage_entered_at"])
    assert intent_a_stale_notify() == 2
