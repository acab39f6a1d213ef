from datetime import UTC, date, datetime

import pytest
from django.test import Client

from kam.users.services import api_token_create
from tests.factories import ForecastSnapshotFactory

pytestmark = pytest.mark.django_db


def api(user):
    _token, key = api_token_create(user=user, name="test")
    client = Client(headers={"Authorization": f"Bearer {key}"})
    return client


@pytest.fixture
def book(rep, colleague, other_rep, deal):
    deal(rep, "1000.05", category="commit", probability=33)
    deal(colleague, "200.00", category="pipeline", probability=10)
    deal(other_rep, "4444.00", category="commit")
    deal(rep, "300.00", won_at=datetime(2026, 11, 3, tzinfo=UTC))


def test_forecast_by_rep_with_string_amounts(rep, colleague, manager, book):
    response = api(manager).get("/api/forecasts", {"period": "2026Q4", "group": "rep"})
    assert response.status_code == 200
    body = response.json()
    assert body["period"] == {"key": "2026Q4", "start": "2026-10-01", "end": "2026-12-31"}
    rows = {row["owner_id"]: row for row in body["rows"]}
    assert set(rows) == {rep.pk, colleague.pk}
    mine = rows[rep.pk]
    assert mine["categories"]["commit"] == {
        "amount": "1000.05", "weighted_amount": "330.02", "count": 1,
    }  # fmt: skip
    assert mine["won_amount"] == "300.00"
    assert body["totals"]["pipeline_amount"] == "1200.05"
    assert body["totals"]["weighted_amount"] == "350.02"
    assert body["totals"]["categories"]["closed"]["amount"] == "300.00"
    assert "4444" not in response.content.decode()


def test_forecast_by_team(director, book):
    body = api(director).get("/api/forecasts", {"period": "2026Q4", "group": "team"}).json()
    assert sorted(row["label"] for row in body["rows"]) == ["一组", "二组"]
    assert all(row["owner_id"] is None for row in body["rows"])
    assert body["totals"]["pipeline_amount"] == "5644.05"


def test_rep_never_gets_another_reps_numbers(other_rep, book):
    body = api(other_rep).get("/api/forecasts", {"period": "2026Q4"}).json()
    assert [row["label"] for row in body["rows"]] == ["郑销售"]
    assert body["totals"]["pipeline_amount"] == "4444.00"
    assert body["totals"]["won_amount"] == "0.00"


@pytest.mark.parametrize(
    ("params", "field"), [({"period": "2026Q5"}, "period"), ({"group": "region"}, "group")]
)
def test_bad_input_is_a_422_naming_the_field(rep, params, field):
    response = api(rep).get("/api/forecasts", params)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_token_required(client, book):
    assert client.get("/api/forecasts").status_code == 401


def test_snapshots_scope_and_paging(rep, colleague, other_rep, manager):
    for week in (date(2026, 11, 9), date(2026, 11, 16)):
        for owner in (rep, colleague, other_rep):
            ForecastSnapshotFactory(owner=owner, week_start=week, period_key="2026Q4")
    ForecastSnapshotFactory(owner=rep, week_start=date(2026, 11, 16), period_key="2027Q1")
    client = api(manager)
    first = client.get("/api/forecasts/snapshots", {"period": "2026Q4", "limit": 3}).json()
    assert len(first["items"]) == 3 and first["next_offset"] == 3
    rest = client.get(
        "/api/forecasts/snapshots", {"period": "2026Q4", "limit": 3, "offset": 3}
    ).json()
    assert rest["next_offset"] is None
    items = first["items"] + rest["items"]
    assert {item["owner_id"] for item in items} == {rep.pk, colleague.pk}
    assert items[0] == {
        "week_start": "2026-11-09", "owner_id": items[0]["owner_id"],
        "owner_name": items[0]["owner_name"], "team_id": rep.team_id, "period": "2026Q4",
        "category": "commit", "amount": "100000.00", "weighted_amount": "70000.00", "count": 1,
    }  # fmt: skip
    own = api(rep).get("/api/forecasts/snapshots", {"period": "2026Q4"}).json()
    assert {item["owner_id"] for item in own["items"]} == {rep.pk}


def test_snapshots_bad_period(rep):
    response = api(rep).get("/api/forecasts/snapshots", {"period": "nope"})
    assert response.status_code == 422
    assert "period" in response.json()["errors"]


def test_api_tag_in_openapi(rep):
    schema = api(rep).get("/api/openapi.json").json()
    tags = {tag for path in schema["paths"].values() for op in path.values() for tag in op["tags"]}
    assert "forecasts" in tags
    assert "/api/forecasts" in schema["paths"]
