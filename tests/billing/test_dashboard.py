"""The collections dashboard (回款看板): exact sums over a hand-built book, DSO, scopes, queries.

The book, seen on 2026-04-10 (Q2 runs 2026-04-01 … 2026-06-30):

rep's account A, signed contract: m1 1000.00 due 03-31 (paid in full), m2 2000.00 due 04-01
(500.00 paid; an 800.00 receipt on it was reversed), m3 3000.00 due 06-30, m4 500.00 due 07-01;
a draft contract on A with 700.00 due 04-05 (owes nothing yet). A also has an unallocated
200.00 received 03-31.
other_rep's account B, signed contract: 400.00 due 2025-10-01 (50.00 paid from a 150.00 receipt
of 03-31), 100.00 due 2026-01-15.
Invoices: 2000.00 on m2 issued 03-15; 400.00 on B issued 2025-12-01 (before the 90 days);
300.00 on m3 issued 04-01 and voided.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kam.billing.dashboard import (
    NOT_DUE,
    Dashboard,
    DashboardScope,
    dashboard,
    days_sales_outstanding,
    scope_resolve,
)
from kam.billing.services.invoices import invoice_issue, invoice_void
from kam.billing.services.receipts import receipt_allocate, receipt_record, receipt_reverse
from kam.contracts.enums import ContractStatus
from kam.users.models import User
from kam.users.services import api_token_create
from tests.billing.conftest import signed_contract
from tests.conftest import client_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 4, 10)
D = Decimal


def _receipt(finance, account, amount, received_on, contract=None):
    return receipt_record(
        account=account, actor=finance,
        data={"amount": amount, "received_on": received_on, "method": "bank_transfer",
              "contract": contract},
    )  # fmt: skip


def _invoice(finance, milestone, number, amount, issued_on):
    return invoice_issue(
        milestone=milestone, actor=finance,
        data={"kind": "normal", "number": number, "tax_rate": "6", "amount_with_tax": amount,
              "issued_on": issued_on},
    )  # fmt: skip


@pytest.fixture
def book(rep, other_rep, finance):
    account_a = AccountFactory(owner=rep, name="西安智造集团有限公司")
    account_b = AccountFactory(owner=other_rep, name="咸阳市中心医院")
    signed = signed_contract(
        account_a, ["1000.00", "2000.00", "3000.00", "500.00"],
        [date(2026, 3, 31), date(2026, 4, 1), date(2026, 6, 30), date(2026, 7, 1)],
    )  # fmt: skip
    signed_contract(account_a, ["700.00"], [date(2026, 4, 5)], status=ContractStatus.DRAFT)
    other = signed_contract(account_b, ["400.00", "100.00"], [date(2025, 10, 1), date(2026, 1, 15)])
    m1, m2, m3, _m4 = signed.milestones.order_by("position")
    b1, _b2 = other.milestones.order_by("position")

    paid = _receipt(finance, account_a, "1500.00", date(2026, 4, 1), signed)
    receipt_allocate(receipt=paid, allocations=[(m1, "1000.00"), (m2, "500.00")], actor=finance,
                     version=paid.version)  # fmt: skip
    bounced = _receipt(finance, account_a, "800.00", date(2026, 4, 3), signed)
    receipt_allocate(receipt=bounced, allocations=[(m2, "800.00")], actor=finance, version=0)
    receipt_reverse(receipt=bounced, actor=finance, version=bounced.version, reason="退票")
    _receipt(finance, account_a, "200.00", date(2026, 3, 31))
    partial = _receipt(finance, account_b, "150.00", date(2026, 3, 31))
    receipt_allocate(receipt=partial, allocations=[(b1, "50.00")], actor=finance, version=0)

    _invoice(finance, m2, "FP1", "2000.00", date(2026, 3, 15))
    _invoice(finance, b1, "FP2", "400.00", date(2025, 12, 1))
    voided = _invoice(finance, m3, "FP3", "300.00", date(2026, 4, 1))
    invoice_void(invoice=voided, actor=finance, version=voided.version, reason="开错")
    return account_a, account_b


def _board(user: User, kind: str | None = None, lead_id: int | None = None) -> Dashboard:
    scope, _leads = scope_resolve(user, kind, lead_id)
    return dashboard(user, scope, TODAY)


def _series(board: Dashboard) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    return {
        p.label: (p.planned, p.collected, p.received)
        for p in board.series
        if p.planned or p.received
    }


def test_company_figures_are_exact(book, finance):
    board = _board(finance)
    assert board.scope.kind == DashboardScope.COMPANY
    month, quarter = board.month, board.quarter
    # The draft contract's 700.00 and the reversed 800.00 count nowhere.
    assert (month.planned, month.collected, month.received) == (D("2000.00"), D("500.00"),
                                                                D("1500.00"))  # fmt: skip
    assert month.completion == D("25.0")
    assert (quarter.start, quarter.end) == (date(2026, 4, 1), date(2026, 6, 30))
    # 03-31 falls in Q1 and 07-01 in Q3: only m2 and m3 are this quarter's plan.
    assert (quarter.planned, quarter.collected, quarter.received) == (D("5000.00"), D("500.00"),
                                                                      D("1500.00"))  # fmt: skip
    assert quarter.completion == D("10.0")
    assert [p.label for p in board.series][0::11] == ["2025-05", "2026-04"]
    assert _series(board) == {
        "2025-10": (D("400.00"), D("50.00"), D("0.00")),
        "2026-01": (D("100.00"), D("0.00"), D("0.00")),
        "2026-03": (D("1000.00"), D("1000.00"), D("350.00")),
        "2026-04": (D("2000.00"), D("500.00"), D("1500.00")),
    }


def test_company_aging_top_overdue_and_dso(book, finance):
    account_a, account_b = book
    board = _board(finance)
    assert board.aging.buckets == {
        NOT_DUE: D("3500.00"), "d0_30": D("1500.00"), "d31_90": D("100.00"),
        "d91_180": D("0.00"), "d180_plus": D("350.00"),
    }  # fmt: skip
    assert board.aging.overdue == D("1950.00")
    assert board.aging.outstanding == D("5450.00")
    assert [(a.account_id, a.owner, a.overdue, a.oldest_days) for a in board.top_overdue] == [
        (account_a.pk, "李销售", D("1500.00"), 9),
        (account_b.pk, "郑销售", D("450.00"), 191),
    ]
    # Receivables due by today 1950.00 over 2000.00 billed since 01-11 (the voided 300.00 and
    # December's 400.00 are out): 1950 / 2000 × 90 = 87.75 → 87.8 days.
    assert (board.dso.receivable, board.dso.billed, board.dso.days) == (
        D("1950.00"), D("2000.00"), D("87.8"))  # fmt: skip


def test_dso_formula():
    assert days_sales_outstanding(D("1950.00"), D("2000.00")) == D("87.8")
    assert days_sales_outstanding(D("100.00"), D("300.00")) == D("30.0")
    assert days_sales_outstanding(D("0.00"), D("50.00")) == D("0.0")
    assert days_sales_outstanding(D("500.00"), D("0.00")) is None


def test_rep_sees_only_their_own_contracts(book, rep):
    board = _board(rep)
    assert board.scope.kind == DashboardScope.ME
    assert (board.month.planned, board.month.collected, board.month.received) == (
        D("2000.00"), D("500.00"), D("1500.00"))  # fmt: skip
    # The unallocated 200.00 on the rep's account counts as theirs; B's 150.00 does not.
    assert _series(board)["2026-03"] == (D("1000.00"), D("1000.00"), D("200.00"))
    assert "2025-10" not in _series(board)
    assert board.aging.overdue == D("1500.00")
    assert [a.name for a in board.top_overdue] == ["西安智造集团有限公司"]
    assert board.dso.receivable == D("1500.00")
    assert board.dso.days == D("67.5")


def test_team_lines(book, manager, other_manager, director, colleague):
    assert _board(manager).scope.kind == DashboardScope.TEAM
    assert _board(manager).aging.overdue == D("1500.00")
    assert _board(manager, DashboardScope.ME).aging.overdue == D("0.00")
    assert _board(director, DashboardScope.TEAM, other_manager.pk).aging.overdue == D("450.00")
    assert _board(director).aging.overdue == D("1950.00")
    assert _board(colleague).aging.overdue == D("0.00")


@pytest.mark.parametrize(
    ("role", "kind", "lead"),
    [
        ("rep", "team", "manager"), ("rep", "company", None), ("rep", "team", None),
        ("solution_manager", "team", "manager"), ("manager", "team", "other_manager"),
        ("manager", "company", None), ("director", "me", None), ("finance", "me", None),
        ("other_manager", "team", "manager"), ("finance", "team", "rep"), ("rep", "nonsense", None),
    ],
)  # fmt: skip
def test_scopes_beyond_reach_are_refused(role, kind, lead, request, rep):
    client = client_for(request.getfixturevalue(role))
    query = f"scope={kind}" + (f"&lead={request.getfixturevalue(lead).pk}" if lead else "")
    assert client.get(f"/billing/dashboard/?{query}").status_code == 403
    _token, key = api_token_create(user=request.getfixturevalue(role), name="dash")
    api = client.get(f"/api/billing/dashboard?{query}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.status_code == 403


def test_page_renders_figures_and_charts(book, finance, monkeypatch):
    monkeypatch.setattr("kam.billing.views_dashboard.dashboard_today", lambda: TODAY)
    response = client_for(finance).get("/billing/dashboard/")
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["board"].quarter.planned == D("5000.00")
    assert 'data-figure="planned">5,000.00' in page and "87.8" in page and "25.0%" in page
    assert 'data-testid="series-chart"' in page and 'data-testid="aging-chart"' in page
    assert f'href="/accounts/{book[1].pk}/"' in page
    assert "<script>" not in page and "style=" not in page


def test_page_for_a_team_line(book, director, other_manager, monkeypatch):
    monkeypatch.setattr("kam.billing.views_dashboard.dashboard_today", lambda: TODAY)
    response = client_for(director).get(f"/billing/dashboard/?scope=team&lead={other_manager.pk}")
    page = response.content.decode()
    assert response.status_code == 200
    assert "咸阳市中心医院" in page and "西安智造集团有限公司" not in page
    assert f'<option value="{other_manager.pk}" selected>' in page


@pytest.mark.parametrize("role", ["finance", "rep"])
def test_empty_page(role, request):
    response = client_for(request.getfixturevalue(role)).get("/billing/dashboard/")
    assert response.status_code == 200
    assert "还没有回款计划" in response.content.decode()
    assert response.context["board"].dso.days is None


def test_api(book, finance, other_manager, monkeypatch):
    monkeypatch.setattr("kam.billing.api.dashboard_today", lambda: TODAY)
    _token, key = api_token_create(user=finance, name="dash")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    body = client_for(finance).get("/api/billing/dashboard", **auth).json()
    assert body["today"] == "2026-04-10"
    assert body["scope"] == {"kind": "company", "lead_id": None, "label": "全公司"}
    assert body["month"]["planned"] == "2000.00" and body["month"]["completion_rate"] == "25.0"
    assert body["quarter"]["collected"] == "500.00"
    assert len(body["series"]) == 12 and body["series"][-1]["received"] == "1500.00"
    assert body["aging"] == {
        "not_due": "3500.00", "d0_30": "1500.00", "d31_90": "100.00", "d91_180": "0.00",
        "d180_plus": "350.00", "overdue": "1950.00", "outstanding": "5450.00",
    }  # fmt: skip
    assert body["top_overdue"][1]["oldest_days_overdue"] == 191
    assert body["dso"] == {"receivable": "1950.00", "billed_90_days": "2000.00", "days": "87.8"}
    team = (
        client_for(finance)
        .get(f"/api/billing/dashboard?scope=team&lead={other_manager.pk}", **auth)
        .json()
    )
    assert team["scope"]["lead_id"] == other_manager.pk
    assert team["aging"]["overdue"] == "450.00"


@pytest.mark.parametrize("url", ["/billing/dashboard/", "/api/billing/dashboard"])
@pytest.mark.parametrize("role", ["finance", "manager"])
def test_query_count_does_not_grow(url, role, request, rep, finance, django_assert_num_queries):
    user = request.getfixturevalue(role)
    if url.startswith("/api"):
        _token, key = api_token_create(user=user, name="dash")
        client, auth = client_for(user), {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    else:
        client, auth = client_for(user), {}

    def add_contract(n):
        account = AccountFactory(owner=rep)
        contract = signed_contract(account, ["50.00", "50.00"], [date(2026, 1, 5), TODAY])
        receipt = _receipt(finance, account, "30.00", date(2026, 1, 6), contract)
        first = contract.milestones.order_by("position").first()
        receipt_allocate(receipt=receipt, allocations=[(first, "10.00")], actor=finance,
                         version=0)  # fmt: skip
        _invoice(finance, first, f"Q{n}", "50.00", date(2026, 1, 5))

    add_contract(0)
    client.get(url, **auth)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url, **auth).status_code == 200
    add_contract(1)
    add_contract(2)
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(url, **auth).status_code == 200
