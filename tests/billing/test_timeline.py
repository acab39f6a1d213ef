"""Invoices and receipts on the account timeline, read from the billing events."""

from datetime import date, datetime
from typing import Any, cast

import pytest
from django.db import connection
from django.urls import reverse

from kam.accounts.models import Account
from kam.billing.models import Invoice, Receipt
from kam.billing.services.invoices import invoice_issue, invoice_void
from kam.billing.services.receipts import receipt_allocate, receipt_record, receipt_reverse
from kam.contracts.models import Contract, PaymentMilestone
from kam.interactions.selectors import TimelineItem, account_timeline
from kam.users.models import User
from tests.billing.conftest import signed_contract
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _contract(account: Account, number: str) -> Contract:
    return cast(Contract, signed_contract(account, ["300.00", "700.00"], number=number))


def billing_event_items(
    account: Account, before: datetime | None, limit: int
) -> list[TimelineItem]:
    items = account_timeline(account=account, before=before, limit=limit)
    return [i for i in items if i.kind in ("invoice", "receipt")]


def _milestone(contract: Contract) -> PaymentMilestone:
    return contract.milestones.order_by("position").first() or PaymentMilestone()


def _issue(contract: Contract, finance: User, number: str) -> Invoice:
    return invoice_issue(
        milestone=_milestone(contract), actor=finance,
        data={"kind": "normal", "number": number, "tax_rate": "6", "amount_with_tax": "300.00",
              "issued_on": date(2026, 1, 2)},
    )  # fmt: skip


def _record(account: Account, finance: User, **data: Any) -> Receipt:
    return receipt_record(
        account=account, actor=finance,
        data={"amount": "1200.00", "received_on": date(2026, 1, 3), "method": "bank_transfer",
              **data},
    )  # fmt: skip


def test_invoice_and_receipt_events_reach_the_account_timeline(
    rep_account: Account, contract: Contract, finance: User
) -> None:
    invoice = _issue(contract, finance, "FP0000101")
    invoice_void(invoice=invoice, actor=finance, version=invoice.version, reason="金额有误")
    receipt = _record(rep_account, finance, payer_name="西安智造财务部", contract=contract)
    receipt_allocate(
        receipt=receipt, allocations=[(_milestone(contract), "300.00")], actor=finance,
        version=receipt.version,
    )  # fmt: skip
    receipt.refresh_from_db()
    receipt_reverse(receipt=receipt, actor=finance, version=receipt.version, reason="退票")
    items = [i for i in account_timeline(account=rep_account) if i.kind in ("invoice", "receipt")]
    assert [(i.kind, i.title) for i in items] == [
        ("receipt", "冲销回款 1,200.00 元"),
        ("receipt", "核销回款 300.00 元"),
        ("receipt", "登记回款 1,200.00 元（付款方：西安智造财务部）"),
        ("invoice", "作废发票 FP0000101，价税合计 300.00 元"),
        ("invoice", "开具发票 FP0000101，价税合计 300.00 元"),
    ]
    assert items[0].detail == f"{contract} · 退票"
    assert items[3].detail == f"{contract} · 金额有误"
    assert items[0].url == f"/billing/receipts/{receipt.pk}/"
    assert items[4].url == f"/billing/invoices/?contract={contract.pk}"
    assert {i.label for i in items} == {"发票", "回款"}
    assert {i.actor for i in items} == {str(finance)}


def test_receipt_without_contract_is_on_its_accounts_timeline(
    rep_account: Account, other_account: Account, finance: User
) -> None:
    _record(rep_account, finance)
    _issue(_contract(other_account, "HT2026000201"), finance, "FP0000102")
    [item] = billing_event_items(rep_account, None, 50)
    assert (item.kind, item.title, item.detail) == ("receipt", "登记回款 1,200.00 元", "")
    assert [i.kind for i in billing_event_items(other_account, None, 50)] == ["invoice"]


def test_billing_events_page_back_by_time(
    rep_account: Account, contract: Contract, finance: User
) -> None:
    _issue(contract, finance, "FP0000103")
    _record(rep_account, finance)
    [newest, oldest] = billing_event_items(rep_account, None, 50)
    assert [i.kind for i in billing_event_items(rep_account, None, 1)] == [newest.kind]
    assert billing_event_items(rep_account, oldest.at, 50) == []


@pytest.mark.parametrize("count", [1, 3])
def test_billing_timeline_costs_one_query(
    rep_account: Account, finance: User, count: int, django_assert_num_queries: Any
) -> None:
    for n in range(count):
        contract = _contract(rep_account, f"HT2026000{n:03d}")
        _issue(contract, finance, f"FP000020{n}")
        _record(rep_account, finance, contract=contract)
    billing_event_items(rep_account, None, 50)  # content types and database features get cached
    # the events picked among every source's, each with its invoice's or receipt's number,
    # payer, contract and actor
    with django_assert_num_queries(1):
        items = billing_event_items(rep_account, None, 50)
        assert len(items) == 2 * count
        assert all(i.detail and i.actor for i in items)


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("1234567.80", "1,234,567.80"),
        ("0.10", "0.10"),
        ("9876543210987.65", "9,876,543,210,987.65"),
        # The largest amount money_clean takes has 16 digits: a float cannot carry it. SQLite
        # stores every decimal as a 15-digit REAL, so only PostgreSQL keeps it.
        pytest.param(
            "99999999999999.99", "99,999,999,999,999.99",
            marks=pytest.mark.skipif(connection.vendor == "sqlite", reason="15-digit REAL"),
        ),
    ],
)  # fmt: skip
def test_money_in_the_timeline_payload_is_exact(
    rep_account: Account, finance: User, amount: str, shown: str
) -> None:
    _record(rep_account, finance, amount=amount)
    [item] = billing_event_items(rep_account, None, 50)
    assert item.title == f"登记回款 {shown} 元"
    assert rep_account.owner is not None
    url = reverse("interactions:for_account", args=[rep_account.pk])
    html = client_for(rep_account.owner).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert f"登记回款 {shown} 元" in html
