from datetime import date

import pytest

from kam.billing.models import Allocation, Receipt
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_record_allocate_and_reverse_through_the_pages(contract, finance):
    client = client_for(finance)
    response = client.post(
        "/billing/receipts/new/",
        {"account": contract.account_id, "contract": contract.pk, "amount": "350.00",
         "received_on": "2026-01-10", "method": "acceptance_bill", "payer_name": "付款单位"},
    )  # fmt: skip
    receipt = Receipt.objects.get()
    assert response.status_code == 302
    assert receipt.received_on == date(2026, 1, 10)
    first, second, _third = contract.milestones.order_by("position")
    page = client.get(f"/billing/receipts/{receipt.pk}/").content.decode()
    assert f'name="m{first.pk}"' in page and "逾期" in page
    refused = client.post(
        f"/billing/receipts/{receipt.pk}/allocate/",
        {"version": 0, f"m{first.pk}": "300.00", f"m{second.pk}": "50.01"},
    )
    assert refused.status_code == 422
    assert "未核销余额 350.00 元" in refused.content.decode()
    assert not Allocation.objects.exists()
    client.post(
        f"/billing/receipts/{receipt.pk}/allocate/",
        {"version": 0, f"m{first.pk}": "300.00", f"m{second.pk}": "40.00"},
    )
    assert sorted(Allocation.objects.values_list("amount", flat=True)) == [40, 300]
    detail = client.get(f"/billing/receipts/{receipt.pk}/").content.decode()
    assert "10.00" in detail  # the credit left on the receipt
    missing_reason = client.post(f"/billing/receipts/{receipt.pk}/reverse/", {"version": 1})
    assert missing_reason.status_code == 422
    client.post(f"/billing/receipts/{receipt.pk}/reverse/", {"version": 1, "reason": "票据退回"})
    receipt.refresh_from_db()
    assert receipt.status == "reversed" and receipt.reversal_reason == "票据退回"
    assert not Allocation.objects.filter(reversed_at=None).exists()


def test_issue_invoice_page_refuses_beyond_the_milestone(contract, finance):
    client = client_for(finance)
    milestone = contract.milestones.get(position=1)
    response = client.post(
        f"/billing/invoices/new/{milestone.pk}/",
        {"kind": "special", "number": "A1", "tax_rate": "13", "amount_with_tax": "300.01",
         "issued_on": "2026-01-10"},
    )  # fmt: skip
    assert "该节点还可开票 300.00 元。" in response.content.decode()
    client.post(
        f"/billing/invoices/new/{milestone.pk}/",
        {"kind": "special", "number": "A1", "tax_rate": "13", "amount_with_tax": "300.00",
         "issued_on": "2026-01-10"},
    )  # fmt: skip
    listed = client.get("/billing/invoices/").content.decode()
    assert "A1" in listed and "265.49" in listed and "34.51" in listed
    aging = client.get("/billing/aging/?group_by=owner").content.decode()
    assert contract.owner.display_name in aging


def test_aging_by_contract_pages_the_rows_and_totals_them_all(rep_account, rep):
    from kam.core.pagination import PAGE_SIZE
    from tests.billing.conftest import signed_contract

    for n in range(PAGE_SIZE + 1):
        signed_contract(rep_account, [f"{n + 1}.00"], number=f"HT-AGING-{n:03d}")
    client = client_for(rep)
    first = client.get("/billing/aging/").content.decode()
    second = client.get("/billing/aging/?page=2").content.decode()
    # Largest overdue first: contract 50 (51.00) leads page one, contract 0 (1.00) is alone
    # on page two; both pages total all 51 contracts (1 + … + 51 = 1,326.00).
    assert "HT-AGING-050" in first and "HT-AGING-000" not in first
    assert "HT-AGING-000" in second and "HT-AGING-050" not in second
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert first.count("1,326.00") == second.count("1,326.00") >= 1


def test_receipt_form_searches_accounts_and_lists_the_chosen_accounts_contracts(
    contract, other_account, finance, rep, monkeypatch
):
    from tests.billing.conftest import signed_contract

    monkeypatch.setattr("kam.accounts.selectors.ACCOUNT_OPTIONS", 1)
    theirs = signed_contract(other_account, ["50.00"], number="HT-OTHER-1")
    client = client_for(finance)
    page = client.get("/billing/receipts/new/").content.decode()
    assert 'data-testid="account-search"' in page
    assert f'value="{contract.pk}"' not in page  # no account chosen yet: no contracts
    found = client.get(
        "/billing/receipts/new/accounts/", {"account_search": other_account.name}
    ).content.decode()
    assert f'<option value="{other_account.pk}">{other_account.name}</option>' in found
    listed = client.get(
        "/billing/receipts/new/contracts/", {"account": contract.account_id}
    ).content.decode()
    assert f'value="{contract.pk}"' in listed and f'value="{theirs.pk}"' not in listed
    # Sent back with an error, the form keeps the account and offers its contracts.
    refused = client.post(
        "/billing/receipts/new/",
        {"account": contract.account_id, "contract": contract.pk, "amount": "",
         "received_on": "2026-01-10", "method": "bank_transfer"},
    ).content.decode()  # fmt: skip
    assert f'<option value="{contract.account_id}" selected>' in refused
    assert f'<option value="{contract.pk}" selected>' in refused
    assert not Receipt.objects.exists()
    # Only those who record receipts may use the pickers.
    rep_client = client_for(rep)
    assert rep_client.get("/billing/receipts/new/accounts/").status_code == 403
    assert rep_client.get("/billing/receipts/new/contracts/").status_code == 403


def test_aging_api_pages_the_rows_and_totals_them_all(rep_account, rep):
    from django.test import Client

    from kam.users.services import api_token_create
    from tests.billing.conftest import signed_contract

    for n in range(3):
        signed_contract(rep_account, [f"{n + 1}.00"], number=f"HT-API-{n}")
    _token, key = api_token_create(user=rep, name="aging")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    first = Client().get("/api/billing/aging", {"limit": 2}, **auth).json()
    rest = Client().get("/api/billing/aging", {"limit": 2, "offset": 2}, **auth).json()
    assert [row["label"] for row in first["rows"]] == ["HT-API-2", "HT-API-1"]
    assert first["next_offset"] == 2
    assert [row["label"] for row in rest["rows"]] == ["HT-API-0"] and rest["next_offset"] is None
    assert first["total"]["outstanding"] == rest["total"]["outstanding"] == "6.00"
