"""The battle map page, its Excel export and its API."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from kam.audit.models import ExportLog
from kam.users.services import api_token_create
from tests.battlemap.conftest import map_contract, pay
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_empty_map_explains_itself(rep):
    response = client_for(rep).get("/battle-map/")
    assert response.status_code == 200
    assert "还没有执行中的合同" in response.content.decode()


def test_page_shows_rows_states_and_progress(rep, finance):
    contract = map_contract(rep)
    pay(contract, finance, 1, "300.00")

    page = client_for(rep).get("/battle-map/").content.decode()

    assert contract.number in page
    assert 'data-state="paid"' in page and 'data-state="overdue"' in page
    assert '<progress max="100" value="30"' in page
    assert "逾期 5 天" in page


def test_filtered_page_without_rows_says_so(rep):
    map_contract(rep)
    page = client_for(rep).get("/battle-map/?q=不存在的客户").content.decode()
    assert "没有符合条件的合同" in page


def test_query_count_does_not_grow_with_rows(rep, finance):
    client = client_for(rep)
    map_contract(rep, account_name="客户一")
    one = _queries(client, "/battle-map/?state=open")
    for n in range(2):
        pay(map_contract(rep, account_name=f"客户{n}"), finance, 1, "300.00")
    assert _queries(client, "/battle-map/?state=open") == one
    assert one <= 10


def test_export_is_logged_and_matches_the_filters(gm, rep, other_rep):
    map_contract(rep, account_name="导出客户")
    map_contract(other_rep, account_name="另一客户")

    response = client_for(gm).get("/battle-map/export/?q=导出")

    assert response.status_code == 200
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "客户" and len(rows) == 2 and rows[1][0] == "导出客户"
    log = ExportLog.objects.get()
    assert (log.user, log.row_count, log.what) == (gm, 1, "作战地图")
    assert "q=" in log.filters


def test_export_refused_without_the_permission(rep):
    map_contract(rep)
    assert client_for(rep).get("/battle-map/export/").status_code == 403
    assert not ExportLog.objects.exists()


def test_api_returns_rows_cells_and_totals(rep, finance, other_rep):
    contract = map_contract(rep)
    map_contract(other_rep, account_name="看不到的客户")
    pay(contract, finance, 1, "300.00")
    _token, key = api_token_create(user=rep, name="t")

    body = (
        client_for(rep).get("/api/battle-map?state=open", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    )

    assert body["totals"]["received"] == "300.00"
    assert body["totals"]["contracts"] == 1
    (row,) = body["rows"]
    assert row["contract_number"] == contract.number and row["progress"] == 30
    assert [m["state"] for m in row["milestones"]] == ["paid", "overdue", "due_soon", "waiting"]
    assert row["milestones"][0]["received"] == "300.00"
