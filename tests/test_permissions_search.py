"""Every role against the search page and endpoint for a rep's account (SPEC R-SEC-1): the
account's line and the all-seeing roles find its contract, invoice, receipt and visit; finance
finds the money but not the visit; everyone else finds nothing, and the links the money hits
open show them nothing either."""

from datetime import date
from typing import cast

import pytest
from django.test import Client

from kam.accounts.models import Account
from kam.billing.models import Invoice, Receipt
from kam.billing.services.invoices import invoice_issue
from kam.billing.services.receipts import receipt_record
from kam.contracts.models import Contract
from kam.interactions.models import Interaction
from kam.search.services import search_index_contract, search_index_interaction
from kam.users.models import User
from kam.users.services import api_token_create
from tests.billing.conftest import signed_contract
from tests.conftest import client_for
from tests.factories import AccountFactory, InteractionFactory

pytestmark = pytest.mark.django_db

ACCOUNT_LINE = {"rep", "manager", "director", "gm", "admin_user"}
MONEY_VIEWERS = ACCOUNT_LINE | {"finance"}
ROLES = [
    "rep", "colleague", "manager", "other_rep", "other_manager", "director", "gm", "admin_user",
    "finance", "solution_manager",
]  # fmt: skip
QUERY = "HT2026555001"
Setup = tuple[Contract, Invoice, Receipt, Interaction]


@pytest.fixture
def setup(rep: User, finance: User) -> Setup:
    account = cast(Account, AccountFactory(owner=rep, name="铜川陶瓷集团"))
    contract = cast(Contract, signed_contract(account, ["500.00", "500.00"], number=QUERY))
    search_index_contract(contract)
    invoice = invoice_issue(
        milestone=contract.milestones.order_by("position")[0], actor=finance,
        data={"kind": "normal", "number": "FP5550001", "tax_rate": "6",
              "amount_with_tax": "100.00", "issued_on": date(2026, 1, 2)},
    )  # fmt: skip
    receipt = receipt_record(
        account=account, actor=finance,
        data={"amount": "100.00", "received_on": date(2026, 1, 3), "method": "other",
              "contract": contract},
    )  # fmt: skip
    visit = cast(Interaction, InteractionFactory(account=account, subject=f"{QUERY} 执行沟通"))
    search_index_interaction(visit)
    return contract, invoice, receipt, visit


def _expected_kinds(role: str) -> set[str]:
    if role in ACCOUNT_LINE:
        return {"contract", "invoice", "receipt", "interaction"}
    return {"contract", "invoice", "receipt"} if role in MONEY_VIEWERS else set()


@pytest.mark.parametrize("role", ROLES)
def test_pages(role: str, request: pytest.FixtureRequest, setup: Setup) -> None:
    contract, invoice, receipt, _visit = setup
    client = client_for(request.getfixturevalue(role))
    response = client.get("/search/", {"q": QUERY})
    assert response.status_code == 200
    assert {h.kind for h in response.context["found"]} == _expected_kinds(role)
    html = response.content.decode()
    assert (f'href="/billing/receipts/{receipt.pk}/"' in html) == (role in MONEY_VIEWERS)
    assert (f'href="/contracts/{contract.pk}/"' in html) == (role in MONEY_VIEWERS)
    # Where the hits lead: nothing there for whoever found nothing.
    invoices = client.get(f"/billing/invoices/?contract={contract.pk}").content.decode()
    assert (invoice.number in invoices) == (role in MONEY_VIEWERS)
    detail = client.get(f"/billing/receipts/{receipt.pk}/").status_code
    assert detail == (200 if role in MONEY_VIEWERS else 404)
    contract_page = client.get(f"/contracts/{contract.pk}/").status_code
    assert contract_page == (200 if role in MONEY_VIEWERS else 404)


@pytest.mark.parametrize("role", ROLES)
def test_api(role: str, request: pytest.FixtureRequest, setup: Setup) -> None:
    _token, key = api_token_create(user=request.getfixturevalue(role), name="search")
    client, auth = Client(), f"Bearer {key}"
    found = client.get("/api/search", {"q": QUERY}, HTTP_AUTHORIZATION=auth).json()["items"]
    assert {item["kind"] for item in found} == _expected_kinds(role)
    only_invoices = client.get(
        "/api/search", {"q": QUERY, "kind": "invoice"}, HTTP_AUTHORIZATION=auth
    ).json()
    assert len(only_invoices["items"]) == (1 if role in MONEY_VIEWERS else 0)
