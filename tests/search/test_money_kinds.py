"""Contracts, invoices and receipts in the search (SQLite and PostgreSQL): indexed by the
contract and billing services, seen like their account, and by finance on every account (but
only these kinds), and rebuilt identically."""

from datetime import date
from decimal import Decimal
from typing import Any, cast

import pytest
from django.test import Client

from kam.accounts.models import Account
from kam.billing.models import Invoice, Receipt
from kam.billing.services.invoices import invoice_issue, invoice_void
from kam.billing.services.receipts import receipt_record, receipt_reverse
from kam.contacts.models import Contact
from kam.contracts.models import Contract, PaymentMilestone
from kam.contracts.services.contracts import contract_create, contract_update
from kam.interactions.models import Interaction
from kam.search.models import DocumentKind, SearchDocument
from kam.search.selectors import SearchHit, search_query
from kam.search.services import (
    search_index_account,
    search_index_contact,
    search_index_contract,
    search_index_interaction,
    search_rebuild,
)
from kam.users.models import User
from kam.users.services import api_token_create
from tests.billing.conftest import signed_contract
from tests.conftest import client_for
from tests.factories import AccountFactory, ContactFactory, InteractionFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "rep", "colleague", "manager", "other_rep", "other_manager", "director", "gm", "admin_user",
    "finance", "solution_manager",
]  # fmt: skip
MONEY_KINDS = [DocumentKind.CONTRACT, DocumentKind.INVOICE, DocumentKind.RECEIPT]


def hits(user: User, q: str, kind: str | None = None) -> list[SearchHit]:
    return list(search_query(user=user, q=q, kinds=[kind] if kind else None))


def found_by(request: pytest.FixtureRequest, q: str, kind: str) -> set[str]:
    return {role for role in ROLES if hits(request.getfixturevalue(role), q, kind)}


def money_documents() -> set[tuple[Any, ...]]:
    return set(
        SearchDocument.objects.filter(kind__in=MONEY_KINDS).values_list(
            "kind", "object_id", "account_id", "owner_id", "url", "title", "body", "terms",
            "occurred_at",
        )
    )  # fmt: skip


def account_of(owner: User, name: str) -> Account:
    return cast(Account, AccountFactory(owner=owner, name=name))


def signed(account: Account, number: str) -> Contract:
    """A signed contract written directly (as the billing tests do), then indexed as the
    contract services index theirs."""
    contract = cast(Contract, signed_contract(account, ["3000.00", "7000.00"], number=number))
    search_index_contract(contract)
    return contract


def first_milestone(contract: Contract) -> PaymentMilestone:
    return contract.milestones.order_by("position").first() or PaymentMilestone()


def issue(contract: Contract, finance: User, number: str, amount: str = "1000.00") -> Invoice:
    return invoice_issue(
        milestone=first_milestone(contract), actor=finance,
        data={"kind": "special", "number": number, "tax_rate": "13", "amount_with_tax": amount,
              "issued_on": date(2026, 1, 10)},
    )  # fmt: skip


def record(account: Account, finance: User, **data: Any) -> Receipt:
    return receipt_record(
        account=account, actor=finance,
        data={"amount": "12345.60", "received_on": date(2026, 1, 12), "method": "bank_transfer",
              **data},
    )  # fmt: skip


# Indexing from the services


def test_contract_is_indexed_on_create_and_edit(rep: User) -> None:
    account = account_of(rep, "秦川机床集团有限公司")
    contract = contract_create(
        account=account, actor=rep,
        data={"name": "数控机床改造合同", "amount": "500000.00", "terms": "含三年驻场维保 onsite"},
    )  # fmt: skip
    [hit] = hits(rep, "机床改造", DocumentKind.CONTRACT)
    assert (hit.title, hit.url, hit.account_id, hit.kind_label) == (
        f"{contract.number} 数控机床改造合同", f"/contracts/{contract.pk}/", account.pk, "合同"
    )  # fmt: skip
    assert [h.object_id for h in hits(rep, str(contract.number))] == [contract.pk]
    assert [h.object_id for h in hits(rep, "驻场 onsite", DocumentKind.CONTRACT)] == [contract.pk]
    # The account's name is part of the document: "account name + word" finds the contract.
    assert [h.kind for h in hits(rep, "秦川 改造")] == [DocumentKind.CONTRACT]
    contract_update(
        contract=contract, actor=rep, version=contract.version,
        changes={"name": "产线升级合同", "terms": "分两期交付"},
    )  # fmt: skip
    assert not hits(rep, "机床改造", DocumentKind.CONTRACT)
    assert [h.title for h in hits(rep, "两期")] == [f"{contract.number} 产线升级合同"]


def test_invoice_is_indexed_on_issue_and_void_and_opens_the_filtered_list(
    rep: User, finance: User
) -> None:
    contract = signed(account_of(rep, "宝鸡钛业股份有限公司"), "HT2026000901")
    invoice = issue(contract, finance, "FP20260042")
    [hit] = hits(rep, "FP20260042")
    assert (hit.kind, hit.title, hit.url) == (
        DocumentKind.INVOICE, "增值税专用发票 FP20260042",
        f"/billing/invoices/?contract={contract.pk}",
    )  # fmt: skip
    assert "1000.00" in hit.snippet and "HT2026000901" in hit.snippet
    # Found by its contract's number and name too.
    assert DocumentKind.INVOICE in {h.kind for h in hits(rep, "HT2026000901")}
    assert not hits(rep, "FP20260042 已作废")
    invoice_void(invoice=invoice, actor=finance, version=invoice.version, reason="抬头开错")
    assert [h.object_id for h in hits(rep, "FP20260042 已作废")] == [invoice.pk]


def test_receipt_is_indexed_on_record_and_reverse(rep: User, finance: User) -> None:
    account = account_of(rep, "汉中航空零件厂")
    contract = signed(account, "HT2026000902")
    receipt = record(
        account, finance, payer_name="汉中航空零件厂财务部", reference="BANK778899",
        contract=contract,
    )  # fmt: skip
    [hit] = hits(rep, "bank778899")
    assert (hit.kind, hit.title, hit.url, hit.account_id) == (
        DocumentKind.RECEIPT, "回款 12345.60 元 汉中航空零件厂财务部",
        f"/billing/receipts/{receipt.pk}/", account.pk,
    )  # fmt: skip
    assert [h.object_id for h in hits(rep, "12345", DocumentKind.RECEIPT)] == [receipt.pk]
    assert [h.object_id for h in hits(rep, "财务部", DocumentKind.RECEIPT)] == [receipt.pk]
    assert [h.object_id for h in hits(rep, "HT2026000902", DocumentKind.RECEIPT)] == [receipt.pk]
    receipt_reverse(receipt=receipt, actor=finance, version=receipt.version, reason="重复登记")
    assert [h.object_id for h in hits(rep, "12345 已冲销")] == [receipt.pk]


def test_receipt_without_contract_belongs_to_its_account(rep: User, finance: User) -> None:
    account = account_of(rep, "安康富硒茶业")
    receipt = record(account, finance, payer_name="安康富硒茶业")
    document = SearchDocument.objects.get(kind=DocumentKind.RECEIPT, object_id=receipt.pk)
    assert document.account_id == account.pk
    assert [h.object_id for h in hits(rep, "富硒", DocumentKind.RECEIPT)] == [receipt.pk]


def test_editing_a_contract_rewrites_its_receipts(rep: User, finance: User) -> None:
    account = account_of(rep, "商洛矿业集团")
    contract = contract_create(
        account=account, actor=rep, data={"name": "选矿设备合同", "amount": "80000.00"}
    )
    record(account, finance, contract=contract)
    contract_update(
        contract=contract, actor=rep, version=contract.version, changes={"name": "尾矿处理合同"}
    )
    assert [h.kind for h in hits(rep, "尾矿")] == [DocumentKind.RECEIPT, DocumentKind.CONTRACT]
    assert not hits(rep, "选矿")


def test_renaming_an_account_rewrites_its_contract_documents(rep: User) -> None:
    account = account_of(rep, "榆林能源化工")
    search_index_account(account)
    contract_create(account=account, actor=rep, data={"name": "煤化工合同", "amount": "900.00"})
    account.name = "陕北能源化工"
    account.save(update_fields=["name"])
    search_index_account(account)
    assert [h.kind for h in hits(rep, "陕北 煤化工")] == [DocumentKind.CONTRACT]
    assert not hits(rep, "榆林", DocumentKind.CONTRACT)


# Visibility


@pytest.fixture
def other_teams_money(other_rep: User, finance: User) -> Account:
    """Another team's account with a contract, an invoice, a receipt, a visit and a person."""
    account = account_of(other_rep, "渭河电厂")
    contract = signed(account, "HT2026000903")
    issue(contract, finance, "FP20260903")
    record(account, finance, payer_name="渭河电厂", contract=contract)
    search_index_account(account)
    search_index_interaction(
        cast(Interaction, InteractionFactory(account=account, subject="渭河电厂技术交流"))
    )
    search_index_contact(cast(Contact, ContactFactory(account=account, name="渭河厂长")))
    return account


def test_finance_finds_every_accounts_money_but_not_its_visits_or_people(
    request: pytest.FixtureRequest, other_teams_money: Account
) -> None:
    account_line = {"other_rep", "other_manager", "director", "gm", "admin_user"}
    for kind, q in [
        (DocumentKind.CONTRACT, "渭河"), (DocumentKind.INVOICE, "FP20260903"),
        (DocumentKind.RECEIPT, "渭河"),
    ]:  # fmt: skip
        assert found_by(request, q, kind) == account_line | {"finance"}, kind
    for kind in [DocumentKind.INTERACTION, DocumentKind.CONTACT, DocumentKind.ACCOUNT]:
        assert found_by(request, "渭河", kind) == account_line, kind
    finance = request.getfixturevalue("finance")
    assert {h.kind for h in hits(finance, "渭河")} == {DocumentKind.CONTRACT, DocumentKind.RECEIPT}
    rep = request.getfixturevalue("rep")
    assert hits(rep, "渭河") == [] and hits(rep, "FP20260903") == []


@pytest.mark.parametrize("count", [1, 3])
def test_finance_search_query_count_is_constant(
    rep: User, finance: User, count: int, django_assert_max_num_queries: Any
) -> None:
    for n in range(count):
        account = account_of(rep, f"铜川水泥{n}厂")
        contract = signed(account, f"HT20260010{n:02d}")
        issue(contract, finance, f"FP2026001{n:02d}")
        record(account, finance, payer_name=f"铜川水泥{n}厂", contract=contract)
    # The same bound as for account documents (tests/search/test_search.py).
    with django_assert_max_num_queries(3):
        found = search_query(user=finance, q="铜川水泥")
        assert len(found) == 2 * count  # each contract (its account's name) and receipt (payer)
    assert {h.kind for h in found} == {DocumentKind.CONTRACT, DocumentKind.RECEIPT}


# Rebuild, pages, API


def test_rebuild_produces_the_same_money_documents(rep: User, finance: User) -> None:
    account = account_of(rep, "延安石化")
    contract = contract_create(
        account=account, actor=rep, data={"name": "油品储运合同", "amount": "1000.00"}
    )
    billable = signed(account, "HT2026000904")
    invoice = issue(billable, finance, "FP20260904")
    invoice_void(invoice=invoice, actor=finance, version=invoice.version, reason="作废重开")
    issue(billable, finance, "FP20260905", amount="2000.00")
    record(account, finance, payer_name="延安石化", reference="TX-001", contract=contract)
    record(account, finance, amount=Decimal("50.00"))
    incremental = money_documents()
    assert {row[0] for row in incremental} == set(MONEY_KINDS)
    counts = search_rebuild(batch_size=2)
    assert money_documents() == incremental
    assert (counts["contract"], counts["invoice"], counts["receipt"]) == (2, 2, 2)


def test_results_page_filters_and_links_the_money_kinds(rep: User, finance: User) -> None:
    account = account_of(rep, "咸阳彩虹光电")
    contract = signed(account, "HT2026000905")
    invoice = issue(contract, finance, "FP20260906")
    receipt = record(account, finance, payer_name="咸阳彩虹光电", contract=contract)
    client = client_for(rep)
    response = client.get("/search/", {"q": "HT2026000905"})
    html = response.content.decode()
    assert f'href="/contracts/{contract.pk}/"' in html
    assert f'href="/billing/invoices/?contract={contract.pk}"' in html
    assert f'href="/billing/receipts/{receipt.pk}/"' in html
    tabs = {t["kind"]: t["label"] for t in response.context["tabs"]}
    assert (tabs["contract"], tabs["invoice"], tabs["receipt"]) == ("合同", "发票", "回款")
    filtered = client.get("/search/", {"q": "HT2026000905", "kind": "invoice"})
    assert [h.object_id for h in filtered.context["found"]] == [invoice.pk]
    # The invoice hit's link lists exactly that contract's invoices.
    listed = client.get(f"/billing/invoices/?contract={contract.pk}").content.decode()
    assert "FP20260906" in listed
    other = signed(account, "HT2026000906")
    issue(other, finance, "FP20260907")
    listed = client.get(f"/billing/invoices/?contract={contract.pk}").content.decode()
    assert "FP20260907" not in listed


def test_api_returns_money_hits_by_kind(rep: User, finance: User) -> None:
    account = account_of(rep, "渭南重工")
    receipt = record(account, finance, reference="SERIAL5566")
    _token, key = api_token_create(user=rep, name="t")
    response = Client().get(
        "/api/search", {"q": "serial5566", "kind": "receipt"}, HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert (item["kind"], item["object_id"], item["url"], item["kind_label"]) == (
        "receipt", receipt.pk, f"/billing/receipts/{receipt.pk}/", "回款"
    )  # fmt: skip
