"""Every role against every billing page and endpoint (SPEC R-SEC-1, R-COL-3): finance, GM and
admin see and record all money; the rep's line (rep, manager, director) sees the money of the
rep's accounts and records none; everyone else gets a 404 for it and no trace in lists."""

import json
from datetime import date

import pytest
from django.test import Client

from kam.billing.models import Allocation, Invoice, Receipt
from kam.billing.services.invoices import invoice_issue
from kam.billing.services.receipts import receipt_allocate, receipt_record
from kam.users.services import api_token_create
from tests.billing.conftest import signed_contract
from tests.conftest import client_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

RECORDERS = {"finance", "gm", "admin_user"}
VIEWERS = RECORDERS | {"rep", "manager", "director"}
COMPANY_VIEWERS = RECORDERS | {"director"}
ROLES = [
    "rep", "colleague", "manager", "other_rep", "other_manager", "director", "gm", "admin_user",
    "finance", "solution_manager",
]  # fmt: skip
ACCOUNT = "秦川机床集团有限公司"


def _receipt(account, finance, amount="100.00"):
    return receipt_record(
        account=account, actor=finance,
        data={"amount": amount, "received_on": date(2026, 1, 2), "method": "bank_transfer"},
    )  # fmt: skip


def _invoice(milestone, finance, number):
    return invoice_issue(
        milestone=milestone, actor=finance,
        data={"kind": "normal", "number": number, "tax_rate": "6", "amount_with_tax": "10.00",
              "issued_on": date(2026, 1, 2)},
    )  # fmt: skip


@pytest.fixture
def setup(rep, finance):
    account = AccountFactory(owner=rep, name=ACCOUNT)
    contract = signed_contract(account, ["300.00", "700.00"], number="HT2026777001")
    receipt = _receipt(account, finance)
    invoice = _invoice(contract.milestones.first(), finance, "FP0000001")
    return contract, receipt, invoice


def _expected(role: str, allowed: int, visible_only: int = 403) -> int:
    if role in RECORDERS:
        return allowed
    return visible_only if role in VIEWERS else 404


def _api(user) -> tuple[Client, dict[str, str]]:
    _token, key = api_token_create(user=user, name="billing")
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _post(client, auth, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json", **auth)


@pytest.mark.parametrize("role", ROLES)
def test_pages(role, request, setup):
    contract, receipt, invoice = setup
    milestone = contract.milestones.order_by("position").last()
    client = client_for(request.getfixturevalue(role))
    listed = client.get("/billing/")
    assert listed.status_code == 200
    assert (ACCOUNT in listed.content.decode()) == (role in VIEWERS)
    invoices = client.get("/billing/invoices/")
    assert invoices.status_code == 200
    assert ("FP0000001" in invoices.content.decode()) == (role in VIEWERS)
    aging = client.get("/billing/aging/")
    assert aging.status_code == 200
    assert ("HT2026777001" in aging.content.decode()) == (role in VIEWERS)
    # Each role's default scope: a rep their own contracts, a manager their line, the rest the
    # company; the account's overdue 1000.00 shows up exactly for the rep's line and finance.
    board = client.get("/billing/dashboard/")
    assert board.status_code == 200
    assert (ACCOUNT in board.content.decode()) == (role in VIEWERS)
    company = client.get("/billing/dashboard/?scope=company").status_code
    assert company == (200 if role in COMPANY_VIEWERS else 403)
    detail = client.get(f"/billing/receipts/{receipt.pk}/")
    assert detail.status_code == (200 if role in VIEWERS else 404)
    if role in VIEWERS:
        assert ("allocate-form" in detail.content.decode()) == (role in RECORDERS)
    assert client.get("/billing/receipts/new/").status_code == (200 if role in RECORDERS else 403)
    assert client.get(f"/billing/invoices/new/{milestone.pk}/").status_code == _expected(role, 200)
    allocate = client.post(
        f"/billing/receipts/{receipt.pk}/allocate/",
        {"version": receipt.version, f"m{milestone.pk}": "60.00"},
    )
    assert allocate.status_code == _expected(role, 302)
    assert Allocation.objects.filter(receipt=receipt).exists() == (role in RECORDERS)
    receipt.refresh_from_db()
    void = client.post(
        f"/billing/invoices/{invoice.pk}/void/", {"version": invoice.version, "reason": "错"}
    )
    assert void.status_code == _expected(role, 302)
    assert Invoice.objects.get(pk=invoice.pk).status == (
        "voided" if role in RECORDERS else "issued"
    )
    reverse = client.post(
        f"/billing/receipts/{receipt.pk}/reverse/", {"version": receipt.version, "reason": "退票"}
    )
    assert reverse.status_code == _expected(role, 302)
    assert Receipt.objects.get(pk=receipt.pk).status == (
        "reversed" if role in RECORDERS else "recorded"
    )


@pytest.mark.parametrize("role", ROLES)
def test_api(role, request, setup):
    contract, receipt, invoice = setup
    milestone = contract.milestones.order_by("position").last()
    client, auth = _api(request.getfixturevalue(role))
    receipts = client.get("/api/billing/receipts", **auth).json()
    assert len(receipts["items"]) == (1 if role in VIEWERS else 0)
    invoices = client.get("/api/billing/invoices", **auth).json()
    assert len(invoices["items"]) == (1 if role in VIEWERS else 0)
    aging = client.get("/api/billing/aging?group_by=company", **auth).json()
    assert aging["total"]["outstanding"] == ("1000.00" if role in VIEWERS else "0.00")
    board = client.get("/api/billing/dashboard", **auth).json()
    assert board["aging"]["outstanding"] == ("1000.00" if role in VIEWERS else "0.00")
    company = client.get("/api/billing/dashboard?scope=company", **auth).status_code
    assert company == (200 if role in COMPANY_VIEWERS else 403)
    got = client.get(f"/api/billing/receipts/{receipt.pk}", **auth)
    assert got.status_code == (200 if role in VIEWERS else 404)
    created = _post(
        client, auth, "/api/billing/receipts",
        {"account_id": contract.account_id, "amount": "5.00", "received_on": "2026-01-03",
         "method": "other"},
    )  # fmt: skip
    assert created.status_code == (201 if role in RECORDERS else 403)
    allocated = _post(
        client, auth, f"/api/billing/receipts/{receipt.pk}/allocate",
        {"version": 0, "allocations": [{"milestone_id": milestone.pk, "amount": "60.00"}]},
    )  # fmt: skip
    assert allocated.status_code == _expected(role, 200)
    issued = _post(
        client, auth, "/api/billing/invoices",
        {"milestone_id": milestone.pk, "kind": "special", "number": "FP0000002",
         "tax_rate": "13", "amount_with_tax": "113.00", "issued_on": "2026-01-03"},
    )  # fmt: skip
    assert issued.status_code == _expected(role, 201)
    voided = _post(
        client, auth, f"/api/billing/invoices/{invoice.pk}/void", {"version": 0, "reason": "错"}
    )
    assert voided.status_code == _expected(role, 200)
    reversed_ = _post(
        client, auth, f"/api/billing/receipts/{receipt.pk}/reverse",
        {"version": 1 if role in RECORDERS else 0, "reason": "退票"},
    )  # fmt: skip
    assert reversed_.status_code == _expected(role, 200)
    if role in RECORDERS:
        body = reversed_.json()
        assert body["status"] == "reversed"
        assert [a["reversed_at"] is not None for a in body["allocations"]] == [True]
        assert issued.json()["amount_without_tax"] == "100.00"


def test_api_money_rules(setup, finance):
    contract, receipt, _ = setup
    client, auth = _api(finance)
    floated = _post(
        client, auth, "/api/billing/receipts",
        {"account_id": contract.account_id, "amount": 5.5, "received_on": "2026-01-03",
         "method": "other"},
    )  # fmt: skip
    assert floated.status_code == 422
    too_much = _post(
        client, auth, f"/api/billing/receipts/{receipt.pk}/allocate",
        {"version": 0, "allocations": [{"milestone_id": m.pk, "amount": "60.00"}
                                       for m in contract.milestones.all()]},
    )  # fmt: skip
    assert too_much.status_code == 422
    assert "未核销余额 100.00 元" in too_much.json()["errors"]["allocations"][0]
    over_invoiced = _post(
        client, auth, "/api/billing/invoices",
        {"milestone_id": contract.milestones.first().pk, "kind": "normal", "number": "X1",
         "tax_rate": "6", "amount_with_tax": "290.01", "issued_on": "2026-01-03"},
    )  # fmt: skip
    assert over_invoiced.json() == {"errors": {"amount_with_tax": ["该节点还可开票 290.00 元。"]}}


@pytest.mark.parametrize(
    "url", ["/billing/", "/billing/invoices/", "/billing/aging/", "/billing/dashboard/",
            "/api/billing/receipts", "/api/billing/invoices", "/api/billing/aging",
            "/api/billing/dashboard"],
)  # fmt: skip
def test_list_query_counts_do_not_grow(url, finance, rep, django_assert_num_queries):
    client, auth = _api(finance) if url.startswith("/api") else (client_for(finance), {})

    def add_row(n):
        account = AccountFactory(owner=rep)
        contract = signed_contract(account, ["50.00", "50.00"])
        receipt = _receipt(account, finance)
        receipt_allocate(
            receipt=receipt, allocations=[(contract.milestones.first(), "10.00")], actor=finance,
            version=0,
        )  # fmt: skip
        _invoice(contract.milestones.first(), finance, f"Q{n}")

    add_row(0)
    client.get(url, **auth)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(url, **auth).status_code == 200
    add_row(1)
    add_row(2)
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(url, **auth).status_code == 200
