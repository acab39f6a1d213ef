"""The battle map's rows, states and totals: exact to the fen, visible rows only."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kam.battlemap import selectors
from kam.battlemap.enums import CellState, MapSort, StateFilter
from kam.battlemap.selectors import MapFilters, battle_map, battle_map_export_rows
from kam.billing.services.receipts import receipt_reverse
from kam.contracts.enums import ContractStatus
from tests.battlemap.conftest import invoice, map_contract, pay, today

pytestmark = pytest.mark.django_db


def _states(row):
    return [[cell.state for cell in cells] for cells in row.columns[:4]]


def test_cells_take_the_state_of_their_money_and_due_date(rep, finance):
    contract = map_contract(rep)
    pay(contract, finance, 1, "300.00")
    pay(contract, finance, 2, "100.00")
    invoice(contract, finance, 2, "400.00", "FP1")

    result = battle_map(rep, MapFilters(), today())

    (row,) = result.rows
    assert _states(row) == [
        [CellState.PAID],
        [CellState.OVERDUE],
        [CellState.DUE_SOON],
        [CellState.WAITING],
    ]
    delivery = row.columns[1][0]
    assert (delivery.invoiced, delivery.received, delivery.outstanding) == (
        Decimal("400.00"), Decimal("100.00"), Decimal("300.00"),
    )  # fmt: skip
    assert delivery.days_overdue == 5 and delivery.partly_paid
    assert row.received == Decimal("400.00")
    assert row.overdue == Decimal("300.00")
    assert row.progress == 40
    assert result.totals.received == Decimal("400.00")
    assert result.totals.overdue == Decimal("300.00")
    assert result.totals.invoiced == Decimal("400.00")
    assert result.totals.amount == Decimal("1000.00")


def test_a_reversed_receipt_no_longer_counts(rep, finance):
    contract = map_contract(rep)
    receipt = pay(contract, finance, 1, "300.00")
    receipt.refresh_from_db()
    receipt_reverse(receipt=receipt, actor=finance, version=receipt.version, reason="退票")

    result = battle_map(rep, MapFilters(), today())

    assert result.rows[0].columns[0][0].state == CellState.OVERDUE
    assert result.totals.received == Decimal("0.00")
    assert result.totals.overdue == Decimal("700.00")


def test_totals_cover_every_filtered_contract_not_just_the_page(rep, finance):
    for n in range(3):
        map_contract(rep, ("0.01", "0.02"), (-1, 3), account_name=f"客户{n}")

    result = battle_map(rep, MapFilters(), today())

    assert result.totals.contracts == 3
    assert result.totals.amount == Decimal("0.09")
    assert result.totals.overdue == Decimal("0.03")


def test_a_rep_sees_only_their_own_contracts_and_finance_sees_all(rep, other_rep, finance):
    map_contract(rep, account_name="甲方")
    map_contract(other_rep, account_name="乙方")

    mine = battle_map(rep, MapFilters(), today())
    everyone = battle_map(finance, MapFilters(), today())

    assert [r.contract.account.name for r in mine.rows] == ["甲方"]
    assert mine.totals.contracts == 1
    assert {r.contract.account.name for r in everyone.rows} == {"甲方", "乙方"}


def test_drafts_and_terminated_contracts_stay_off_the_map(rep):
    map_contract(rep, account_name="草稿客户", status=ContractStatus.DRAFT)
    map_contract(rep, account_name="终止客户", status=ContractStatus.TERMINATED)

    assert battle_map(rep, MapFilters(), today()).rows == []


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (StateFilter.OVERDUE, {"逾期客户"}),
        (StateFilter.DUE_SOON, {"临期客户"}),
        (StateFilter.OPEN, {"逾期客户", "临期客户"}),
        ("", {"逾期客户", "临期客户", "结清客户"}),
    ],
)
def test_state_filter(rep, finance, state, expected):
    map_contract(rep, ("100.00",), (-3,), account_name="逾期客户")
    map_contract(rep, ("100.00",), (12,), account_name="临期客户")
    paid = map_contract(rep, ("100.00",), (-3,), account_name="结清客户")
    pay(paid, finance, 1, "100.00")

    rows = battle_map(rep, MapFilters(state=state), today()).rows

    assert {r.contract.account.name for r in rows} == expected


def test_filters_by_owner_team_text_and_sorts_by_amount(
    rep, colleague, other_rep, team_one, director
):
    map_contract(rep, ("100.00",), account_name="小单客户")
    map_contract(colleague, ("900.00",), account_name="大单客户")
    map_contract(other_rep, ("500.00",), account_name="别队客户")
    viewer = director  # sees both teams

    by_team = battle_map(viewer, MapFilters(team_id=team_one.pk, sort=MapSort.AMOUNT), today())
    by_owner = battle_map(viewer, MapFilters(owner_id=colleague.pk), today())
    by_text = battle_map(viewer, MapFilters(query="别队"), today())

    assert [r.contract.account.name for r in by_team.rows] == ["大单客户", "小单客户"]
    assert [r.contract.account.name for r in by_owner.rows] == ["大单客户"]
    assert [r.contract.account.name for r in by_text.rows] == ["别队客户"]


def test_other_column_shows_only_when_a_row_has_one(rep):
    map_contract(rep)
    assert "other" not in [kind.value for kind in battle_map(rep, MapFilters(), today()).columns]


def test_export_rows_carry_each_instalment(rep, finance):
    contract = map_contract(rep)
    pay(contract, finance, 1, "300.00")

    (row,) = list(battle_map_export_rows(rep, MapFilters(), today()))

    assert row[1] == contract.number
    assert row[7:13] == [
        Decimal("1000.00"), Decimal("0.00"), Decimal("300.00"), Decimal("700.00"),
        Decimal("400.00"), 30,
    ]  # fmt: skip
    assert row[13 + 4] == "已结清"


def test_export_reads_in_one_query_whatever_the_rows(rep, colleague, manager, monkeypatch):
    # Fetched three rows at a time, so a contract's four milestones span two fetches.
    monkeypatch.setattr(selectors, "EXPORT_FETCH", 3)

    def export() -> tuple[int, list[list[object]]]:
        with CaptureQueriesContext(connection) as captured:
            rows = list(battle_map_export_rows(manager, MapFilters(), today()))
        return len(captured), rows

    export()  # the manager's reports, read once per user object
    map_contract(rep, account_name="客户一")
    map_contract(colleague, account_name="客户二")
    two_queries, _rows = export()
    map_contract(rep, account_name="客户三", amounts=("1000.00",), due_in_days=(-3,))
    map_contract(colleague, account_name="客户四")
    four_queries, rows = export()

    assert four_queries == two_queries == 1
    assert [row[0] for row in rows] == ["客户一", "客户三", "客户二", "客户四"]
    assert [row[7] for row in rows] == [Decimal("1000.00")] * 4
    one_instalment = rows[1]
    assert one_instalment[13:18] == [
        (today() - timedelta(days=3)).isoformat(), Decimal("1000.00"), Decimal("0.00"),
        Decimal("0.00"), "已逾期",
    ]  # fmt: skip
    assert one_instalment[18:] == [None] * (len(one_instalment) - 18)
