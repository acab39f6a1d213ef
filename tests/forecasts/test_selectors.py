from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from kam.forecasts.periods import period_parse
from kam.forecasts.selectors import forecast_drilldown_url, forecast_for
from kam.opportunities.money import weighted
from tests.factories import AccountFactory, AccountTeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db
Q4 = period_parse("2026Q4")


def by_label(forecast):
    return {row.label: row.figures for row in forecast.rows}


# Half-up at the fen, one-fen amounts, a large amount, 0 % and 100 %.
@pytest.mark.parametrize(
    "deals",
    [
        [("0.01", 50)],
        [("0.03", 50), ("0.05", 50), ("0.07", 50)],
        [("1.05", 10), ("1.15", 10), ("2.25", 10)],
        [("12345.67", 33), ("7654.33", 67), ("0.99", 1)],
        [("99999999999.99", 99), ("0.01", 1)],
        [("100.00", 0), ("100.00", 100), ("333.33", 33)],
    ],
)
def test_weighted_total_equals_the_sum_of_per_deal_weighted(gm, rep, deal, deals):
    made = [deal(rep, amount, probability=p) for amount, p in deals]
    forecast = forecast_for(gm, Q4)
    expected_weighted = sum((weighted(o.amount, o.probability) for o in made), Decimal("0.00"))
    expected_amount = sum((Decimal(a) for a, _p in deals), Decimal("0.00"))
    assert forecast.totals.weighted_amount == expected_weighted
    assert forecast.totals.pipeline_amount == expected_amount
    assert isinstance(forecast.totals.weighted_amount, Decimal)
    assert forecast.totals.categories["pipeline"].count == len(deals)


def test_categories_won_and_period_membership(gm, rep, deal):
    deal(rep, "100.00", category="pipeline")
    deal(rep, "200.00", category="best_case", probability=60)
    deal(rep, "300.00", category="commit", probability=90)
    deal(rep, "400.00", category="omitted")  # counts nowhere
    deal(rep, "500.00", sign=date(2027, 1, 1))  # next quarter
    deal(rep, "600.00", sign=None)  # no date: in no period
    deal(rep, "700.00", lost=True)
    # 23:30 on New Year's Eve in Beijing is still Q4; 00:30 on New Year's Day is not.
    deal(rep, "800.00", won_at=datetime(2026, 12, 31, 15, 30, tzinfo=UTC))
    deal(rep, "900.00", won_at=datetime(2026, 12, 31, 16, 30, tzinfo=UTC))
    # Won in the period although it was expected to sign in another one.
    deal(rep, "1000.00", won_at=datetime(2026, 10, 8, tzinfo=UTC), sign=date(2026, 3, 1))

    totals = forecast_for(gm, Q4).totals
    assert totals.categories["pipeline"].amount == Decimal("100.00")
    assert totals.categories["best_case"].amount == Decimal("200.00")
    assert totals.categories["best_case"].weighted == Decimal("120.00")
    assert totals.categories["commit"].amount == Decimal("300.00")
    assert totals.pipeline_amount == Decimal("600.00")
    assert totals.weighted_amount == Decimal("50.00") + Decimal("120.00") + Decimal("270.00")
    assert totals.won_amount == Decimal("1800.00")
    assert (totals.open_count, totals.won_count) == (3, 2)
    q1 = forecast_for(gm, period_parse("2027Q1")).totals
    assert (q1.pipeline_amount, q1.won_amount) == (Decimal("500.00"), Decimal("900.00"))
    month = forecast_for(gm, period_parse("2026-11")).totals
    assert month.pipeline_amount == Decimal("600.00")
    assert month.won_amount == Decimal("0.00")


def test_group_by_rep_and_by_team_add_up_to_the_totals(gm, rep, colleague, other_rep, deal):
    deal(rep, "100.00", category="commit")
    deal(colleague, "250.50", category="best_case")
    deal(other_rep, "1000.00", won_at=datetime(2026, 11, 3, tzinfo=UTC))

    reps = forecast_for(gm, Q4, "rep")
    rows = by_label(reps)
    assert rows["李销售"].categories["commit"].amount == Decimal("100.00")
    assert rows["周销售"].categories["best_case"].amount == Decimal("250.50")
    assert rows["郑销售"].won_amount == Decimal("1000.00")
    assert {r.owner_id for r in reps.rows} == {rep.pk, colleague.pk, other_rep.pk}

    teams = forecast_for(gm, Q4, "team")
    team_rows = by_label(teams)
    assert team_rows["一组"].pipeline_amount == Decimal("350.50")
    assert team_rows["二组"].won_amount == Decimal("1000.00")
    assert teams.totals == reps.totals
    assert reps.totals.pipeline_amount == Decimal("350.50")
    assert reps.totals.won_amount == Decimal("1000.00")


@pytest.fixture
def spread(rep, colleague, other_rep, deal):
    """Each rep has one deal; the rep also sits on the team of the other rep's account, and the
    other rep has a deal on a public-pool account — neither may reach the rep's forecast."""
    deal(rep, "1.00")
    deal(colleague, "10.00")
    other_account = AccountFactory(owner=other_rep)
    AccountTeamMemberFactory(account=other_account, user=rep, role="solution")
    deal(other_rep, "100.00", account=other_account)
    deal(other_rep, "1000.00", account=AccountFactory(owner=None, team=None))


@pytest.mark.parametrize(
    ("persona", "total", "labels"),
    [
        ("rep", "1.00", {"李销售"}),
        ("colleague", "10.00", {"周销售"}),
        ("manager", "11.00", {"李销售", "周销售"}),
        ("other_rep", "1100.00", {"郑销售"}),
        ("other_manager", "1100.00", {"郑销售"}),
        ("director", "1111.00", {"李销售", "周销售", "郑销售"}),
        ("gm", "1111.00", {"李销售", "周销售", "郑销售"}),
        ("admin_user", "1111.00", {"李销售", "周销售", "郑销售"}),
        ("finance", "0.00", set()),
    ],
)
def test_scope_follows_the_reporting_line(request, spread, persona, total, labels):
    user = request.getfixturevalue(persona)
    forecast = forecast_for(user, Q4)
    assert forecast.totals.pipeline_amount == Decimal(total)
    assert {row.label for row in forecast.rows} == labels
    team = forecast_for(user, Q4, "team")
    assert team.totals.pipeline_amount == Decimal(total)


def test_inactive_user_sees_nothing(rep, deal):
    deal(rep, "5.00")
    rep.is_active = False
    assert forecast_for(rep, Q4).rows == []


@pytest.mark.parametrize("count", [1, 3, 30])
def test_query_count_does_not_grow_with_deals(
    director, rep, colleague, other_rep, deal, count, django_assert_max_num_queries
):
    owners = [rep, colleague, other_rep]
    for index in range(count):
        deal(owners[index % 3], "10.00", category=["pipeline", "commit", "best_case"][index % 3])
    deal(rep, "5.00", won_at=datetime(2026, 11, 3, tzinfo=UTC))
    director = type(director).objects.get(pk=director.pk)  # no cached scope
    # the reporting tree, walked level by level (4 here), and one aggregate query
    with django_assert_max_num_queries(5):
        forecast = forecast_for(director, Q4, "rep")
    with django_assert_max_num_queries(1):
        forecast_for(director, Q4, "team")
    assert forecast.totals.open_count == count


def test_rep_without_team_is_grouped_apart(gm, deal):
    loner = UserFactory(display_name="独行侠", team=None)
    deal(loner, "7.00")
    assert by_label(forecast_for(gm, Q4, "team"))["未分配团队"].pipeline_amount == Decimal("7.00")


def test_drilldown_url_carries_the_agreed_parameters():
    url = forecast_drilldown_url(period=Q4, category="commit", owner_id=7)
    assert url.startswith("/opportunities/?")
    assert "owner=7" in url
    assert "forecast_category=commit" in url
    assert "sign_from=2026-10-01" in url and "sign_to=2026-12-31" in url
