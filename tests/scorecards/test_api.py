"""/api/scorecards: team and rep cards, assessments."""

from decimal import Decimal

from django.test import Client

from kam.scorecards.models import CapabilityAssessment
from kam.users.services import api_token_create
from tests.scorecards.conftest import IN_WEEK, record

PERIOD = {"period": "custom", "start": "2026-11-02", "end": "2026-11-08"}


class Api:
    def __init__(self, user):
        _token, key = api_token_create(user=user, name="t")
        self.client = Client()
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def get(self, path, params=None):
        return self.client.get(f"/api/scorecards{path}", params or {}, **self.auth)

    def post(self, path, payload):
        return self.client.post(f"/api/scorecards{path}", payload,
                                content_type="application/json", **self.auth)  # fmt: skip


def test_team_and_rep(manager, rep, colleague):
    record(rep, IN_WEEK, won="1234.56")
    api = Api(manager)
    team = api.get("/team", PERIOD).json()
    assert {row["rep_id"] for row in team["rows"]} == {rep.pk, colleague.pk}
    assert Decimal(team["total"]["won_amount"]) == Decimal("1234.56")
    assert team["period"] == {"kind": "custom", "start": "2026-11-02", "end": "2026-11-08"}
    card = api.get(f"/rep/{rep.pk}", PERIOD).json()
    assert card["card"]["wins"] == 1 and card["latest"] is None
    assert len(card["indicators"]) == 6
    bad = api.get("/team", {**PERIOD, "end": "2026-10-01"})
    assert bad.status_code == 422 and "end" in bad.json()["errors"]


def test_assess(manager, rep):
    api = Api(manager)
    payload = {"relationship": 4, "solution": 3, "delivery_service": 5,
               "resource_coordination": 2}  # fmt: skip
    created = api.post(f"/rep/{rep.pk}/assessments", payload)
    assert created.status_code == 201 and CapabilityAssessment.objects.count() == 1
    assert api.post(f"/rep/{rep.pk}/assessments", {**payload, "solution": 0}).status_code == 422
    assert Api(rep).post(f"/rep/{rep.pk}/assessments", payload).status_code == 403
    assert Api(rep).get(f"/rep/{rep.pk}").json()["latest"]["solution"] == 3
