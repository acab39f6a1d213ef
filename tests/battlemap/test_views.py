"""The battle map page, its Excel export and its API."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from kam.audit.models import ExportLog
from kam.battlemap.selectors import MapFilters, Row, battle_map
from kam.contracts.enums import ContractStatus, MilestoneKind, MilestoneTrigger
from kam.contracts.models import Contract, PaymentMilestone
from kam.users.services import api_token_create
from tests.battlemap.conftest import invoice, map_contract, pay, today
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _read(response) -> list[tuple]:
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


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

    rows = _read(response)
    assert rows[0][0] == "客户" and len(rows) == 2 and rows[1][0] == "导出客户"
    log = ExportLog.objects.get()
    assert (log.user, log.row_count, log.what) == (gm, 1, "作战地图")
    assert "q=" in log.filters


def _milestone(contract: Contract, position: int, kind: str, amount: str, days: int, name=""):
    due = today() + timedelta(days=days)
    PaymentMilestone.objects.create(
        contract=contract, position=position, kind=kind, name=name, amount=Decimal(amount),
        trigger=MilestoneTrigger.DATE, fixed_date=due, due_date=due,
    )  # fmt: skip
    Contract.objects.filter(pk=contract.pk).update(amount=contract.amount + Decimal(amount))
    contract.refresh_from_db()


def _as_on_page(row: Row) -> list:
    """The page's row in the export's columns: every instalment column (the page hides an
    empty "other"), dates as ISO text, money as Decimal, an instalment not in the plan as five
    empty cells."""
    contract = row.contract
    cells = [
        contract.account.name, contract.number, contract.name, str(contract.owner),
        contract.get_status_display(), contract.signed_on and contract.signed_on.isoformat(),
        contract.terms or None,
        contract.amount, row.invoiced, row.received, row.outstanding, row.overdue, row.progress,
    ]  # fmt: skip
    for column in row.columns:
        if not column:
            cells += [None] * 5
            continue
        cells += [
            " / ".join(c.due_date.isoformat() if c.due_date else "—" for c in column),
            sum((c.amount for c in column), Decimal(0)),
            sum((c.invoiced for c in column), Decimal(0)),
            sum((c.received for c in column), Decimal(0)),
            " / ".join(str(c.state.label) for c in column),
        ]
    return cells


def _matches(cell, expected) -> bool:
    """Money is a number in the sheet (not text), equal to the fen."""
    if isinstance(expected, Decimal):
        return type(cell) in (int, float) and Decimal(str(cell)) == expected
    return type(cell) is type(expected) and cell == expected


def test_export_has_every_cell_the_page_shows(gm, rep, finance, team_one):
    busy = map_contract(rep, account_name="甲客户")
    pay(busy, finance, 1, "300.00")  # paid
    pay(busy, finance, 2, "100.00")  # overdue, partly paid
    invoice(busy, finance, 2, "400.00", "FP1")
    _milestone(busy, 5, MilestoneKind.ACCEPTANCE, "120.00", 90)  # a second acceptance: upcoming
    _milestone(busy, 6, MilestoneKind.OTHER, "80.00", -3, name="培训款")
    quiet = map_contract(
        UserFactory(username="nameless", display_name="", team=team_one),
        ("500.00", "500.00"), (40, None), account_name="乙客户", status=ContractStatus.COMPLETED,
    )  # fmt: skip
    Contract.objects.filter(pk=quiet.pk).update(number=None, signed_on=None, terms="")
    Contract.objects.filter(pk=busy.pk).update(terms="首付30%，到货40%")

    rows = _read(client_for(gm).get("/battle-map/export/"))

    page = battle_map(gm, MapFilters(), today()).rows
    assert len(rows) == 1 + len(page) == 3
    for got, row in zip(rows[1:], page, strict=True):
        expected = _as_on_page(row)
        assert len(got) == len(expected) == 38
        mismatches = [
            (rows[0][n], cell, want)
            for n, (cell, want) in enumerate(zip(got, expected, strict=True))
            if not _matches(cell, want)
        ]
        assert not mismatches
    day = {n: (today() + timedelta(days=n)).isoformat() for n in (-40, -5, -3, 10, 40, 90)}
    by_account = {row[0]: row for row in rows[1:]}
    assert by_account["甲客户"][:13] == (
        "甲客户", busy.number, "甲客户合同", "李销售", "执行中", busy.signed_on.isoformat(),
        "首付30%，到货40%", 1200, 400, 400, 800, 380, 33,
    )  # fmt: skip
    assert by_account["甲客户"][13:] == (
        day[-40], 300, 0, 300, "已结清",
        day[-5], 400, 400, 100, "已逾期",
        f"{day[10]} / {day[90]}", 370, 0, 0, "即将到期 / 未到期",
        "—", 50, 0, 0, "待触发",
        day[-3], 80, 0, 0, "已逾期",
    )  # fmt: skip
    assert by_account["乙客户"] == (
        "乙客户", None, "乙客户合同", "nameless", "已完成", None, None, 1000, 0, 0, 1000, 0, 0,
        day[40], 500, 0, 0, "未到期",
        "—", 500, 0, 0, "待触发",
    ) + (None,) * 15  # fmt: skip


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
