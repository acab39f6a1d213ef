"""Scorecard metrics, periods and the capability profile."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kam.contacts.models import Contact
from kam.intents.models import IntentChange
from kam.reviews.models import ReviewSheet
from kam.scorecards.models import CapabilityAssessment
from kam.scorecards.selectors import (
    capability_indicators,
    capability_radar_json,
    period_resolve,
    scorecard_rep,
    scorecard_rows,
    scorecard_team,
)
from kam.workcalendar.services import is_working_day
from tests.factories import AccountFactory, OpportunityFactory, UserFactory
from tests.scorecards.conftest import BEFORE_WEEK, IN_WEEK, WEEK_START, record


def test_rep_card_counts_the_period_only(rep, other_rep, week):
    record(rep, IN_WEEK)
    record(rep, BEFORE_WEEK, won="99.99", open_amount="0.01")
    record(other_rep, IN_WEEK)
    card = scorecard_rep(rep=rep, period=week)
    assert (card.new_a, card.forward_moves, card.violations) == (1, 1, 1)
    assert (card.wins, card.won_amount, card.losses) == (1, Decimal("1234.56"), 1)
    assert card.pipeline_amount == Decimal("1000.11")  # both open deals, whatever the period
    assert card.visits == 1
    assert (card.review_filed, card.review_due, card.review_rate) == (1, 5, Decimal("20.0"))


def test_new_a_ignores_a_to_a_and_downgrades(rep, week):
    deal = OpportunityFactory(account=AccountFactory(owner=rep), owner=rep)
    for from_class, to_class in [("A", "A"), ("A", "B"), ("", "A")]:
        IntentChange.objects.create(opportunity=deal, from_class=from_class, to_class=to_class,
                                    owner=rep, changed_at=IN_WEEK)  # fmt: skip
    assert scorecard_rep(rep=rep, period=week).new_a == 1


def test_team_card_sums_exactly_and_sorts(manager, rep, colleague, other_rep, week):
    record(rep, IN_WEEK, won="0.10")
    record(colleague, IN_WEEK, won="0.20")
    record(colleague, IN_WEEK + timedelta(days=1), won="0.01")
    card = scorecard_team(viewer=manager, period=week, sort="won_amount", descending=True)
    assert [row.rep for row in card.rows] == [colleague, rep]
    assert card.total.won_amount == Decimal("0.31")
    assert card.total.wins == 3 and card.total.visits == 3
    assert other_rep not in [row.rep for row in card.rows]
    ascending = scorecard_team(viewer=manager, period=week, sort="won_amount", descending=False)
    assert [row.rep for row in ascending.rows] == [rep, colleague]


def test_query_count_is_the_same_for_one_and_five_reps(rep, manager, week,
                                                        django_assert_num_queries):  # fmt: skip
    reps = [rep] + [UserFactory(team=rep.team, manager=manager) for _ in range(4)]
    for person in reps:
        record(person, IN_WEEK)
    scorecard_rows([rep], week)  # warm the calendar cache
    with CaptureQueriesContext(connection) as one:
        scorecard_rows([rep], week)
    with django_assert_num_queries(len(one.captured_queries)):
        cards = scorecard_rows(reps, week)
    assert [card.wins for card in cards] == [1] * 5


def test_periods_in_the_viewers_zone(rep):
    rep.time_zone = "America/Los_Angeles"
    rep.save()
    month = period_resolve(viewer=rep, kind="month")
    assert month.start.day == 1 and month.end.month == month.start.month
    assert month.start_at.utcoffset() == month.zone.utcoffset(month.start_at.replace(tzinfo=None))
    week = period_resolve(viewer=rep, kind="week")
    assert week.start.weekday() == 0 and (week.end - week.start).days == 6
    quarter = period_resolve(viewer=rep, kind="quarter")
    assert quarter.start.month in (1, 4, 7, 10) and (quarter.end.month - quarter.start.month) == 2
    with pytest.raises(ValidationError):
        period_resolve(viewer=rep, kind="custom", start=date(2026, 5, 2), end=date(2026, 5, 1))
    with pytest.raises(ValidationError):
        period_resolve(viewer=rep, kind="custom")


def test_review_discipline_has_no_rate_before_any_day_is_due(rep, manager):
    future = period_resolve(viewer=manager, kind="custom", start=date(2099, 1, 5),
                            end=date(2099, 1, 9))  # fmt: skip
    assert scorecard_rep(rep=rep, period=future).review_rate is None


def test_review_discipline_counts_today_once_filed(rep, manager):
    period = period_resolve(viewer=manager, kind="week")
    today = period.today
    before = scorecard_rep(rep=rep, period=period)
    ReviewSheet.objects.create(rep=rep, day=today, generated_at=datetime.now(UTC),
                               filed_at=datetime.now(UTC))  # fmt: skip
    after = scorecard_rep(rep=rep, period=period)
    if is_working_day(today):
        assert after.review_due == before.review_due + 1
        assert after.review_filed == before.review_filed + 1
    else:
        assert after.review_due == before.review_due


def test_indicators(rep):
    with_dm = AccountFactory(owner=rep)
    AccountFactory(owner=rep)
    Contact.objects.create(account=with_dm, name="王局长", decision_role="decision_maker",
                           closeness=4)  # fmt: skip
    Contact.objects.create(account=with_dm, name="李科长", closeness=2)
    values = {ind.label: ind.value for ind in capability_indicators(rep)}
    assert values["有决策者的客户占比"].startswith("50%")
    assert values["关键人平均紧密度"] == "3.0"
    assert values["完成项目评估的商机占比"] == "—"


def test_radar_has_the_latest_two_assessments(rep, manager):
    for day in (date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)):
        CapabilityAssessment.objects.create(rep=rep, assessor=manager, assessed_on=day,
                                            relationship=3, solution=4, delivery_service=2,
                                            resource_coordination=5)  # fmt: skip
    history = list(CapabilityAssessment.objects.filter(rep=rep))
    assert history[0].assessed_on == date(2026, 11, 1)
    radar = capability_radar_json(history)
    assert '"2026-11-01"' in radar and '"2026-10-01"' in radar and "2026-09-01" not in radar
    assert WEEK_START.isoformat() not in radar
