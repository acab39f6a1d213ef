"""Every role against every handover page and endpoint (SPEC R-REV-4, R-SEC-1).

The case: 孙经理 (manager) handed 李销售's (rep) work to 周销售 (colleague)."""

import pytest

from kam.accounts.models import Account
from kam.handovers.models import Handover
from kam.handovers.services.execution import handover_execute
from kam.handovers.services.planning import Assignments
from tests.conftest import client_for
from tests.factories import AccountFactory
from tests.handovers.conftest import Api

ROLES = ["rep", "colleague", "manager", "other_rep", "other_manager", "director", "gm",
         "admin_user", "finance"]  # fmt: skip
MANAGERS_OF_REP = {"manager", "director", "gm", "admin_user"}
CAN_START = MANAGERS_OF_REP | {"other_manager"}


@pytest.fixture
def case(rep, colleague, manager, other_rep, other_manager, director, gm, admin_user, finance):
    AccountFactory(owner=rep, name="西安热电厂")
    handover = handover_execute(
        from_user=rep, assignments=Assignments(everything=colleague), actor=manager
    )
    Account.objects.update(owner=rep)  # something left to hand over again
    return handover


def _user(request, role):
    return request.getfixturevalue(role)


@pytest.mark.parametrize("role", ROLES)
def test_pages(request, role, case, rep):
    client = client_for(_user(request, role))
    assert client.get("/handovers/").status_code == 200
    assert client.get("/handovers/new/").status_code == (200 if role in CAN_START else 403)
    manages = role in MANAGERS_OF_REP
    assert client.get(f"/handovers/user/{rep.pk}/").status_code == (200 if manages else 404)
    sees = manages or role == "colleague"
    assert client.get(f"/handovers/{case.pk}/").status_code == (200 if sees else 404)
    listed = client.get("/handovers/").context["page_obj"].object_list
    assert [h.pk for h in listed] == ([case.pk] if sees else [])


@pytest.mark.parametrize("role", ROLES)
def test_writes(request, role, case, rep, colleague):
    client = client_for(_user(request, role))
    manages = role in MANAGERS_OF_REP
    hidden = 404
    execute = client.post(f"/handovers/user/{rep.pk}/execute/", {"everything": colleague.pk})
    assert execute.status_code == (302 if manages else hidden)
    reverse = client.post(f"/handovers/{case.pk}/reverse/")
    expected = 302 if manages else (403 if role == "colleague" else hidden)
    assert reverse.status_code == expected
    deactivate = client.post(f"/handovers/user/{rep.pk}/deactivate/",
                             {"confirm": "on", "force": "on"})  # fmt: skip
    assert deactivate.status_code == (302 if manages else hidden)
    rep.refresh_from_db()
    assert rep.is_active is not manages
    if not manages:
        assert Handover.objects.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_api(request, role, case, rep, colleague):
    api = Api(_user(request, role))
    manages = role in MANAGERS_OF_REP
    sees = manages or role == "colleague"
    listed = api.get("/").json()["items"]
    assert [row["id"] for row in listed] == ([case.pk] if sees else [])
    assert api.get(f"/{case.pk}").status_code == (200 if sees else 404)
    body = {"from_user_id": rep.pk, "to_user_id": colleague.pk}
    assert api.post("/preview", body).status_code == (200 if manages else 404)
    assert api.post("/", body).status_code == (201 if manages else 404)
    reverse = api.post(f"/{case.pk}/reverse", {})
    assert reverse.status_code == (201 if manages else 403 if role == "colleague" else 404)
    deactivate = api.post(f"/deactivate/{rep.pk}", {"force": True})
    assert deactivate.status_code == (200 if manages else 404)
