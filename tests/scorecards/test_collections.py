"""Collections on the scorecard: 回款金额 in the period and 逾期金额 now, per contract owner."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kam.contracts.enums import ContractStatus
from kam.scorecards.selectors import (
    SUMMED,
    period_resolve,
    scorecard_rep,
    scorecard_rows,
    scorecard_team,
)
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.scorecards.conftest import WEEK_END, WEEK_START, collect, contract_with_plan
from tests.scorecards.test_api import PERIOD, Api
from tests.scorecards.test_pages import WEEK

# Due long enough ago to be overdue on any day the suite runs, whatever the zone.
LONG_AGO = datetime.now(UTC).date() - timedelta(days=60)


def test_collected_counts_active_allocations_received_in_the_period(rep, other_rep, week):
    first, second = contract_with_plan(rep, [("1000.10", LONG_AGO), ("500.00", LONG_AGO)])
    collect(first, "400.05", WEEK_START)  # part of the milestone only
    collect(second, "0.01", WEEK_END)  # the last day is inside
    collect(first, "200.00", date(2026, 11, 4), reversed_=True)
    collect(first, "99.99", WEEK_END + timedelta(days=1))
    collect(first, "0.02", WEEK_START - timedelta(days=1))
    (theirs,) = contract_with_plan(other_rep, [("7.00", LONG_AGO)])
    collect(theirs, "7.00", date(2026, 11, 4))
    assert scorecard_rep(rep=rep, period=week).collected_amount == Decimal("400.06")
    assert scorecard_rep(rep=other_rep, period=week).collected_amount == Decimal("7.00")


def test_overdue_is_what_is_still_outstanding_on_milestones_due_before_today(rep, week):
    past = week.today - timedelta(days=30)
    partial, overpaid, due_today, not_due = contract_with_plan(
        rep,
        [("1000.10", past), ("10.00", past), ("500.00", week.today),
         ("300.00", week.today + timedelta(days=1))],
    )  # fmt: skip
    collect(partial, "400.05", past)
    collect(partial, "200.00", past, reversed_=True)  # reversed money is still owed
    collect(overpaid, "15.00", past)  # counts as nothing overdue, not as −5.00
    collect(not_due, "0.01", past)
    contract_with_plan(rep, [("777.00", past)], status=ContractStatus.DRAFT)
    card = scorecard_rep(rep=rep, period=week)
    assert card.overdue_amount == Decimal("600.05")
    assert due_today.due_date == week.today  # due today is not overdue yet


def test_overdue_ignores_the_period(rep, manager, week):
    contract_with_plan(rep, [("88.80", LONG_AGO)])
    for period in (week, period_resolve(viewer=manager, kind="quarter")):
        assert scorecard_rep(rep=rep, period=period).overdue_amount == Decimal("88.80")


def test_team_total_is_the_sum_of_the_rows_and_sorts_by_collections(manager, rep, colleague,
                                                                     week):  # fmt: skip
    (mine,) = contract_with_plan(rep, [("1.00", LONG_AGO)])
    collect(mine, "0.10", WEEK_START)
    collect(mine, "0.20", WEEK_END)
    theirs, _untouched = contract_with_plan(colleague, [("0.30", LONG_AGO), ("0.70", LONG_AGO)])
    collect(theirs, "0.01", WEEK_START)
    card = scorecard_team(viewer=manager, period=week, sort="collected_amount", descending=True)
    assert [row.rep for row in card.rows] == [rep, colleague]
    assert card.total.collected_amount == Decimal("0.31")
    assert card.total.overdue_amount == Decimal("1.69")  # 0.70 + 0.29 + 0.70
    for name in SUMMED:
        assert getattr(card.total, name) == sum(getattr(row, name) for row in card.rows)
    ascending = scorecard_team(viewer=manager, period=week, sort="collected_amount",
                               descending=False)  # fmt: skip
    assert [row.rep for row in ascending.rows] == [colleague, rep]
    by_overdue = scorecard_team(viewer=manager, period=week, sort="overdue_amount")
    assert [(row.rep, row.overdue_amount) for row in by_overdue.rows] == [
        (colleague, Decimal("0.99")), (rep, Decimal("0.70"))
    ]  # fmt: skip


def test_collections_are_two_grouped_queries_whatever_the_number_of_reps(rep, manager, week):
    reps = [rep] + [UserFactory(team=rep.team, manager=manager) for _ in range(2)]
    for person in reps:
        (milestone,) = contract_with_plan(person, [("10.00", LONG_AGO)])
        collect(milestone, "4.00", WEEK_START)
    for people in ([rep], reps):
        with CaptureQueriesContext(connection) as queries:
            cards = scorecard_rows(people, week)
        # collected: the allocations in the period; overdue: the milestones' kept columns
        money = [
            q for q in queries.captured_queries
            if "billing_allocation" in q["sql"] or "allocated_fen" in q["sql"]
        ]  # fmt: skip
        assert len(money) == 2
        assert [(c.collected_amount, c.overdue_amount) for c in cards] == [
            (Decimal("4.00"), Decimal("6.00"))
        ] * len(people)


def test_pages_show_collections(manager, rep):
    (milestone,) = contract_with_plan(rep, [("1234.57", LONG_AGO)])
    collect(milestone, "1234.56", WEEK_START)
    client = client_for(manager)
    team = client.get(f"/scorecards/{WEEK}&sort=collected_amount").content.decode()
    assert 'data-sort="collected_amount"' in team and 'data-sort="overdue_amount"' in team
    assert "1,234.56" in team and "0.01" in team
    card = client.get(f"/scorecards/rep/{rep.pk}/{WEEK}").content.decode()
    assert 'data-metric="collected_amount">1,234.56<' in card
    assert 'data-metric="overdue_amount">0.01<' in card


def test_pages_render_without_contracts(manager, rep):
    client = client_for(manager)
    assert client.get(f"/scorecards/{WEEK}&sort=overdue_amount").status_code == 200
    assert (
        'data-metric="overdue_amount">0.00<'
        in client.get(f"/scorecards/rep/{rep.pk}/{WEEK}").content.decode()
    )


def test_api_has_collections(manager, rep, colleague):
    (milestone,) = contract_with_plan(rep, [("300.00", LONG_AGO)])
    collect(milestone, "100.10", WEEK_START)
    api = Api(manager)
    team = api.get("/team", {**PERIOD, "sort": "collected_amount"}).json()
    assert [row["rep_id"] for row in team["rows"]] == [rep.pk, colleague.pk]
    assert Decimal(team["rows"][0]["collected_amount"]) == Decimal("100.10")
    assert Decimal(team["total"]["overdue_amount"]) == Decimal("199.90")
    card = api.get(f"/rep/{rep.pk}", PERIOD).json()["card"]
    assert (Decimal(card["collected_amount"]), Decimal(card["overdue_amount"])) == (
        Decimal("100.10"), Decimal("199.90")
    )  # fmt: skip
