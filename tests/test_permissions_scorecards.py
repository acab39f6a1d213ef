"""Every role against every scorecard page and endpoint (SPEC R-REV-5, R-SEC-1): a rep sees
only their own card, a manager their people's, GM/admin everyone's."""

import pytest

from kam.scorecards.models import CapabilityAssessment
from tests.conftest import client_for
from tests.scorecards.test_api import Api

ROLES = ["rep", "colleague", "manager", "other_rep", "other_manager", "director", "gm",
         "admin_user", "finance"]  # fmt: skip
SEES_TEAM = {"manager", "other_manager", "director", "gm", "admin_user"}
SEES_REP = {"rep", "manager", "director", "gm", "admin_user"}
ASSESSES_REP = SEES_REP - {"rep"}
TEAM_ROWS = {
    "manager": {"rep", "colleague"},
    "other_manager": {"other_rep"},
    "director": {"rep", "colleague", "other_rep"},
    "gm": {"rep", "colleague", "other_rep"},
    "admin_user": {"rep", "colleague", "other_rep"},
}
SCORES = {"relationship": "4", "solution": "3", "delivery_service": "5",
          "resource_coordination": "2"}  # fmt: skip


@pytest.fixture
def everyone(rep, colleague, manager, other_rep, other_manager, director, gm, admin_user, finance):
    return {"rep": rep, "colleague": colleague, "other_rep": other_rep}


@pytest.mark.parametrize("role", ROLES)
def test_pages(request, role, everyone, rep):
    user = request.getfixturevalue(role)
    client = client_for(user)
    team = client.get("/scorecards/")
    if role in SEES_TEAM:
        assert team.status_code == 200
        names = {str(row.rep) for row in team.context["card"].rows}
        assert names == {str(everyone[key]) for key in TEAM_ROWS[role]}
    else:
        assert team.status_code == 302 and team["Location"] == f"/scorecards/rep/{user.pk}/"
    assert client.get(f"/scorecards/rep/{rep.pk}/").status_code == (
        200 if role in SEES_REP else 404
    )
    assess = client.post(f"/scorecards/rep/{rep.pk}/assess/", SCORES)
    expected = 302 if role in ASSESSES_REP else 403 if role == "rep" else 404
    assert assess.status_code == expected
    assert CapabilityAssessment.objects.count() == (1 if role in ASSESSES_REP else 0)


@pytest.mark.parametrize("role", ROLES)
def test_api(request, role, everyone, rep):
    api = Api(request.getfixturevalue(role))
    team = api.get("/team")
    if role in SEES_TEAM:
        ids = {row["rep_id"] for row in team.json()["rows"]}
        assert ids == {everyone[key].pk for key in TEAM_ROWS[role]}
    else:
        assert team.status_code == 403
    assert api.get(f"/rep/{rep.pk}").status_code == (200 if role in SEES_REP else 404)
    payload = {key: int(value) for key, value in SCORES.items()}
    created = api.post(f"/rep/{rep.pk}/assessments", payload)
    expected = 201 if role in ASSESSES_REP else 403 if role == "rep" else 404
    assert created.status_code == expected
