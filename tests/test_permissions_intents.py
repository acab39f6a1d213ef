"""The permission matrix (R-SEC-1) for intent classes: every role against every page and
endpoint of kam.intents, with object URLs of both teams' deals and leads.

The rep owns account A with deal A and lead A (no account); a rep of the other team owns
deal B and lead B. Everyone's A-class rows are on the board only of their reporting line.
"""

import pytest
from django.test import Client

from kam.intents.models import IntentThresholds
from kam.users.services import api_token_create
from tests.conftest import PERSONAS, client_for
from tests.factories import AccountFactory, LeadFactory, OpportunityFactory
from tests.intents.conftest import change_add

pytestmark = pytest.mark.django_db

SEES_A = {"gm", "admin_user", "director", "manager", "rep"}
SEES_B = {"gm", "admin_user", "director", "other_manager", "other_rep"}
EDITS_THRESHOLDS = {"gm", "admin_user", "director"}
THRESHOLDS = {"a_days": 6, "b_days": 13, "c_days": 29, "stale_a_days": 4,
              "quiet_team_working_days": 2}  # fmt: skip


@pytest.fixture
def world(rep, other_rep, colleague, manager, other_manager, director, gm, admin_user, finance,
          solution_manager):  # fmt: skip
    rows = {}
    for key, owner in (("A", rep), ("B", other_rep)):
        deal = OpportunityFactory(account=AccountFactory(owner=owner), intent_class="A")
        lead = LeadFactory(owner=owner, intent_class="A")
        change_add(subject=deal, from_class="B", to_class="A")
        change_add(subject=lead, from_class="C", to_class="A")
        rows[key] = {"deal": deal, "lead": lead}
    return rows


def _api(user):
    _token, key = api_token_create(user=user, name="t")
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.mark.parametrize("role", PERSONAS)
def test_board_page_and_api_show_only_the_reporting_line(request, world, role, rep, other_rep):
    user = request.getfixturevalue(role)
    expected = {owner.pk for owner, seen in ((rep, SEES_A), (other_rep, SEES_B)) if role in seen}
    page = client_for(user).get("/intents/")
    assert page.status_code == 200
    assert {row.owner.pk for row in page.context["rows"]} == expected
    client, auth = _api(user)
    body = client.get("/api/intents/board", **auth).json()
    assert {row["owner_id"] for row in body["reps"]} == expected
    for row in body["reps"]:
        assert row["counts"]["A"] == 2  # a deal and a lead, nothing of anyone else


@pytest.mark.parametrize("role", PERSONAS)
@pytest.mark.parametrize("side", ["A", "B"])
@pytest.mark.parametrize("kind", ["deal", "lead"])
def test_history_panel_and_api_follow_visibility(request, world, role, side, kind):
    user = request.getfixturevalue(role)
    subject = world[side][kind]
    segment = "opportunities" if kind == "deal" else "leads"
    sees = role in (SEES_A if side == "A" else SEES_B)
    page = client_for(user).get(f"/intents/{segment}/{subject.pk}/")
    assert page.status_code == (200 if sees else 404)
    client, auth = _api(user)
    response = client.get(f"/api/intents/{segment}/{subject.pk}/history", **auth)
    assert response.status_code == (200 if sees else 404)
    if sees:
        assert len(response.json()["changes"]) == 1


@pytest.mark.parametrize("role", PERSONAS)
def test_thresholds_page_and_api(request, world, role):
    user = request.getfixturevalue(role)
    allowed = role in EDITS_THRESHOLDS
    client = client_for(user)
    assert client.get("/intents/thresholds/").status_code == 200
    response = client.post("/intents/thresholds/", THRESHOLDS)
    assert response.status_code == (302 if allowed else 403)
    api, auth = _api(user)
    assert api.get("/api/intents/thresholds", **auth).status_code == 200
    response = api.put("/api/intents/thresholds", {**THRESHOLDS, "a_days": 5},
                       content_type="application/json", **auth)  # fmt: skip
    assert response.status_code == (200 if allowed else 403)
    assert IntentThresholds.objects.get().a_days == (5 if allowed else 7)


def test_anonymous_is_sent_to_login_and_api_refuses(world):
    assert Client().get("/intents/").status_code == 302
    assert Client().get("/api/intents/board").status_code == 401
