"""Every role against the battle map page, its export and its API (SPEC R-SEC-1, R-COL-4):
the rep's contract shows for the rep's line, finance, GM and admin; for everyone else it is
absent from the rows, the totals and the export."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from kam.audit.exports import export_allowed
from kam.users.services import api_token_create
from tests.battlemap.conftest import map_contract
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

VIEWERS = {"rep", "manager", "director", "finance", "gm", "admin_user"}
ROLES = [
    "rep", "colleague", "manager", "other_rep", "other_manager", "director", "gm", "admin_user",
    "finance", "solution_manager",
]  # fmt: skip
ACCOUNT = "秦川机床集团有限公司"


@pytest.fixture
def contract(rep):
    return map_contract(rep, account_name=ACCOUNT)


@pytest.mark.parametrize("role", ROLES)
def test_page(role, request, contract):
    response = client_for(request.getfixturevalue(role)).get("/battle-map/")
    assert response.status_code == 200
    page = response.content.decode()
    assert (ACCOUNT in page) == (role in VIEWERS)
    assert ("1,000.00" in page) == (role in VIEWERS)


@pytest.mark.parametrize("role", ROLES)
def test_export(role, request, contract):
    user = request.getfixturevalue(role)
    response = client_for(user).get("/battle-map/export/")
    if not export_allowed(user):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    names = [row[0] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert names == ([ACCOUNT] if role in VIEWERS else [])


@pytest.mark.parametrize("role", ROLES)
def test_api(role, request, contract):
    user = request.getfixturevalue(role)
    _token, key = api_token_create(user=user, name="t")
    body = client_for(user).get("/api/battle-map", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert [r["account_name"] for r in body["rows"]] == ([ACCOUNT] if role in VIEWERS else [])
    assert body["totals"]["contracts"] == (1 if role in VIEWERS else 0)


def test_anonymous_is_sent_to_login(client, contract):
    assert client.get("/battle-map/").status_code == 302
    assert client.get("/battle-map/export/").status_code == 302
    assert client.get("/api/battle-map").status_code == 401
