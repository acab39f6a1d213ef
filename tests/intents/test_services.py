from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kam.audit.models import FieldChange
from kam.intents.models import IntentChange, IntentThresholds
from kam.intents.selectors import (
    _days_since,
    intent_contradicts,
    intent_suggest,
    intent_thresholds,
)
from kam.intents.services import intent_change_record, intent_thresholds_update
from kam.leads.services.conversion import lead_convert
from kam.leads.services.leads import lead_create, lead_update
from kam.notifications.models import Notification
from kam.opportunities.services.opportunities import opportunity_create, opportunity_update
from tests.factories import LeadFactory

TODAY = date(2026, 11, 24)
CONFIRMED = dict.fromkeys(("budget", "authority", "need", "timeline"), "confirmed")
NEW_ACCOUNT = {"industry": "manufacturing", "province": "陕西", "level": "city"}


def _history(**subject):
    return list(
        IntentChange.objects.filter(**subject)
        .order_by("pk")
        .values_list("from_class", "to_class", "actor__username", "reason")
    )


def test_lead_create_and_update_write_history_with_owner_and_team(rep, manager, team_one):
    lead = lead_create(actor=rep, data={"company_name": "西安测试", "source": "referral",
                                        "intent_class": "C"})  # fmt: skip
    lead_update(lead=lead, actor=rep, version=lead.version, changes={"intent_class": "A"})
    lead.refresh_from_db()
    lead_update(lead=lead, actor=manager, version=lead.version, changes={"phone": "123"})
    assert _history(lead=lead) == [("", "C", "rep", ""), ("C", "A", "rep", "")]
    change = IntentChange.objects.filter(lead=lead).last()
    assert (change.owner, change.team) == (rep, team_one)


def test_lead_without_class_writes_no_history(rep):
    lead = lead_create(actor=rep, data={"company_name": "无分级", "source": "referral"})
    assert not IntentChange.objects.filter(lead=lead).exists()


def test_opportunity_create_and_update_write_history(rep, rep_account):
    deal = opportunity_create(account=rep_account, actor=rep,
                              data={"name": "扩容", "intent_class": "B"})  # fmt: skip
    deal = opportunity_update(opportunity=deal, actor=rep, version=deal.version,
                              changes={"intent_class": "A"})  # fmt: skip
    deal = opportunity_update(opportunity=deal, actor=rep, version=deal.version,
                              changes={"name": "扩容二期"})  # fmt: skip
    assert _history(opportunity=deal) == [("", "B", "rep", ""), ("B", "A", "rep", "")]


def test_failed_update_leaves_no_history(rep, rep_account):
    deal = opportunity_create(account=rep_account, actor=rep, data={"name": "扩容"})
    with pytest.raises(ValidationError):
        opportunity_update(opportunity=deal, actor=rep, version=deal.version,
                           changes={"intent_class": "A", "name": ""})  # fmt: skip
    assert not IntentChange.objects.filter(opportunity=deal).exists()


def test_conversion_carries_the_lead_class_to_the_deal(rep):
    lead = LeadFactory(owner=rep, intent_class="A", **CONFIRMED)
    deal = lead_convert(lead=lead, actor=rep, version=0, data=NEW_ACCOUNT)
    assert _history(opportunity=deal) == [("A", "A", "rep", "由线索转化")]


def test_conversion_of_unclassified_lead_writes_no_history(rep):
    lead = LeadFactory(owner=rep, **CONFIRMED)
    deal = lead_convert(lead=lead, actor=rep, version=0, data=NEW_ACCOUNT)
    assert not IntentChange.objects.filter(opportunity=deal).exists()


def test_downgrade_from_a_notifies_the_owners_manager_once(rep, manager, a_deal):
    opportunity_update(opportunity=a_deal, actor=rep, version=a_deal.version,
                       changes={"intent_class": "B"})  # fmt: skip
    note = Notification.objects.get()
    assert (note.recipient, note.kind, note.url) == (manager, "intent_downgrade",
                                                      a_deal.get_absolute_url())  # fmt: skip
    assert "A → B" in note.title


def test_downgrade_by_the_manager_does_not_notify_the_manager(manager, a_deal):
    opportunity_update(opportunity=a_deal, actor=manager, version=a_deal.version,
                       changes={"intent_class": ""})  # fmt: skip
    assert _history(opportunity=a_deal) == [("A", "", "manager", "")]
    assert not Notification.objects.exists()


def test_upgrade_and_b_to_c_do_not_notify(rep, rep_account):
    deal = opportunity_create(account=rep_account, actor=rep,
                              data={"name": "x", "intent_class": "B"})  # fmt: skip
    deal = opportunity_update(opportunity=deal, actor=rep, version=deal.version,
                              changes={"intent_class": "C"})  # fmt: skip
    opportunity_update(opportunity=deal, actor=rep, version=deal.version,
                       changes={"intent_class": "A"})  # fmt: skip
    assert not Notification.objects.exists()


def test_unchanged_class_records_nothing(rep, a_deal):
    assert intent_change_record(subject=a_deal, from_class="A", to_class="A", actor=rep) is None
    assert not IntentChange.objects.exists()


@pytest.mark.parametrize(
    ("days", "expected"),
    [(0, "A"), (7, "A"), (8, "B"), (14, "B"), (15, "C"), (30, "C"), (31, ""), (-1, "")],
)
def test_suggestion_follows_the_thresholds(db, days, expected):
    assert intent_suggest(TODAY + timedelta(days=days), TODAY) == expected


def test_suggestion_without_date_is_none(db):
    assert intent_suggest(None, TODAY) == ""


@pytest.mark.parametrize(
    ("intent_class", "days", "contradicts"),
    [
        ("A", 3, False), ("A", 40, True), ("A", 10, True), ("B", 10, False),
        ("C", 3, True), ("C", 20, False), ("C", 31, True), ("B", -2, True),
        ("", 3, False), ("A", None, False),
    ],
)  # fmt: skip
def test_contradiction_flag(db, intent_class, days, contradicts):
    sign = None if days is None else TODAY + timedelta(days=days)
    assert intent_contradicts(intent_class, sign, TODAY) is contradicts


def test_thresholds_row_is_recreated_when_missing(db):
    IntentThresholds.objects.all().delete()
    thresholds = intent_thresholds()
    assert (thresholds.a_days, thresholds.b_days, thresholds.c_days) == (7, 14, 30)
    assert (thresholds.stale_a_days, thresholds.quiet_team_working_days) == (5, 3)


VALID = {"a_days": 5, "b_days": 10, "c_days": 20, "stale_a_days": 4, "quiet_team_working_days": 2}


def test_thresholds_update_changes_suggestions_and_is_audited(director):
    intent_thresholds_update(actor=director, values=VALID)
    assert intent_suggest(TODAY + timedelta(days=6), TODAY) == "B"
    thresholds = intent_thresholds()
    assert thresholds.updated_by == director
    changed = set(FieldChange.objects.filter(actor=director).values_list("field", flat=True))
    assert changed == set(VALID)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({**VALID, "b_days": 5}, "b_days"),
        ({**VALID, "c_days": 9}, "c_days"),
        ({**VALID, "a_days": 0}, "a_days"),
        ({**VALID, "stale_a_days": -1}, "stale_a_days"),
        ({**VALID, "quiet_team_working_days": "3"}, "quiet_team_working_days"),
        ({**VALID, "c_days": 400}, "c_days"),
    ],
)
def test_thresholds_validation(gm, values, field):
    with pytest.raises(ValidationError) as error:
        intent_thresholds_update(actor=gm, values=values)
    assert field in error.value.message_dict
    assert intent_thresholds().a_days == 7


@pytest.mark.parametrize("persona", ["rep", "manager", "finance"])
def test_thresholds_update_refused_below_director(request, persona):
    with pytest.raises(PermissionDenied):
        intent_thresholds_update(actor=request.getfixturevalue(persona), values=VALID)


@pytest.mark.parametrize("persona", ["director", "gm", "admin_user"])
def test_thresholds_update_allowed_for_director_gm_admin(request, persona):
    assert (
        intent_thresholds_update(actor=request.getfixturevalue(persona), values=VALID).a_days == 5
    )


def test_days_in_a_count_local_days_when_utc_is_still_yesterday():
    # 2026-11-21 17:00 UTC is already 11-22 01:00 in Shanghai (TIME_ZONE).
    moved = datetime(2026, 11, 21, 17, 0, tzinfo=UTC)
    assert _days_since(moved, date(2026, 11, 25)) == 3
    assert _days_since(moved, date(2026, 11, 22)) == 0
