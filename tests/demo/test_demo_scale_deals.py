"""`demo_load --scale`: opportunities, contracts, payment plans, invoices, receipts."""

from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kam.accounts.models import Account
from kam.billing.models import Allocation, Invoice, Receipt
from kam.billing.selectors import milestone_money_map
from kam.checklists.models import ChecklistItem
from kam.checklists.sync import checklists_sync
from kam.contracts.enums import ContractStatus
from kam.contracts.models import Contract, PaymentMilestone
from kam.opportunities.models import Opportunity, SalesProcess
from kam.search.models import SearchDocument
from kam.search.services import search_rebuild
from tests.demo.test_demo_scale import scale_load

DEAL_KINDS = ["opportunity", "contract", "invoice", "receipt"]
FIELDS = ("kind", "object_id", "account_id", "owner_id", "url", "title", "body", "terms")


@pytest.fixture(scope="module")
def deals_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The small benchmark set (800 opportunities, 200 contracts), loaded once, rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield scale_load()
        transaction.set_rollback(True)


@pytest.fixture
def deals(deals_once: str, db: None) -> str:
    return deals_once


def _deal_documents() -> list[tuple[Any, ...]]:
    documents = SearchDocument.objects.filter(kind__in=DEAL_KINDS)
    return list(documents.order_by("kind", "object_id").values_list(*FIELDS))


def test_demo_scale_creates_the_promised_deal_rows(deals: str) -> None:
    assert Opportunity.objects.count() == 800
    assert Contract.objects.count() == 200
    assert PaymentMilestone.objects.count() == 800
    paid = Allocation.objects.count()
    assert paid > 0 and Invoice.objects.count() == Receipt.objects.count() == paid
    assert "商机：800" in deals and "合同：200，回款节点：800" in deals


def test_demo_scale_opportunities_are_consistent(deals: str) -> None:
    opportunities = Opportunity.objects.all()
    kinds = set(opportunities.values_list("stage__kind", flat=True))
    assert kinds == {"open", "won", "lost"}
    assert not opportunities.exclude(stage__process=F("process")).exists()
    assert not opportunities.exclude(owner=F("account__owner")).exists()
    assert not opportunities.filter(stage__kind="open", closed_at__isnull=False).exists()
    assert not opportunities.exclude(stage__kind="open").filter(closed_at=None).exists()
    assert not opportunities.filter(number=None).exists()
    amounts = list(opportunities.values_list("amount", flat=True))
    assert all(Decimal(50_000) <= a <= Decimal(50_000_000) for a in amounts)
    assert all(a == a.quantize(Decimal("0.01")) for a in amounts)
    shipped = set(SalesProcess.objects.values_list("pk", flat=True))
    assert set(opportunities.values_list("process", flat=True)) <= shipped


def test_demo_scale_contracts_come_from_won_opportunities(deals: str) -> None:
    contracts = Contract.objects.all()
    # every won opportunity first (800 win about 220 times), by hand only when they run out
    won = Opportunity.objects.filter(stage__kind="won").count()
    assert contracts.exclude(opportunity=None).count() == min(200, won) > 150
    assert not contracts.exclude(opportunity=None).exclude(opportunity__stage__kind="won").exists()
    assert not contracts.exclude(opportunity=None).exclude(amount=F("opportunity__amount")).exists()
    assert not contracts.exclude(owner=F("account__owner")).exists()
    statuses = set(contracts.values_list("status", flat=True))
    assert {ContractStatus.SIGNED, ContractStatus.EXECUTING, ContractStatus.COMPLETED} <= statuses
    mostly = contracts.filter(status__in=["signed", "executing", "completed"]).count()
    assert mostly >= 180


def test_demo_scale_every_plan_sums_to_its_contract(deals: str) -> None:
    parts: dict[int, list[Decimal]] = defaultdict(list)
    for contract_id, amount in PaymentMilestone.objects.values_list("contract_id", "amount"):
        parts[contract_id].append(amount)
    for contract_id, amount in Contract.objects.values_list("pk", "amount"):
        assert len(parts[contract_id]) == 4
        assert sum(parts[contract_id], Decimal("0.00")) == amount
    percents = set(PaymentMilestone.objects.values_list("position", "percent"))
    assert percents == {(1, Decimal(30)), (2, Decimal(40)), (3, Decimal(25)), (4, Decimal(5))}
    today = timezone.localdate()
    due_dates = [d for d in PaymentMilestone.objects.values_list("due_date", flat=True) if d]
    assert len(due_dates) == 800
    # spread over the last two years and the next one
    assert today - timedelta(days=731) <= min(due_dates)
    assert max(due_dates) <= today + timedelta(days=365)
    assert min(due_dates) < today < max(due_dates)


def test_demo_scale_allocations_never_exceed_milestone_or_receipt(deals: str) -> None:
    by_milestone: dict[int, Decimal] = defaultdict(Decimal)
    by_receipt: dict[int, Decimal] = defaultdict(Decimal)
    for receipt_id, milestone_id, amount in Allocation.objects.values_list(
        "receipt_id", "milestone_id", "amount"
    ):
        by_milestone[milestone_id] += amount
        by_receipt[receipt_id] += amount
    milestones = dict(PaymentMilestone.objects.values_list("pk", "amount"))
    receipts = dict(Receipt.objects.values_list("pk", "amount"))
    assert all(total <= milestones[pk] for pk, total in by_milestone.items())
    assert all(total <= receipts[pk] for pk, total in by_receipt.items())
    assert not Receipt.objects.exclude(account=F("contract__account")).exists()
    assert not Invoice.objects.exclude(contract=F("milestone__contract")).exists()


def test_demo_scale_milestone_money_columns_match_their_rows(deals: str) -> None:
    invoiced: dict[int, Decimal] = defaultdict(Decimal)
    allocated: dict[int, Decimal] = defaultdict(Decimal)
    for milestone_id, amount in Invoice.objects.filter(status="issued").values_list(
        "milestone_id", "amount_with_tax"
    ):
        invoiced[milestone_id] += amount
    for milestone_id, amount in Allocation.objects.filter(reversed_at=None).values_list(
        "milestone_id", "amount"
    ):
        allocated[milestone_id] += amount
    columns = PaymentMilestone.objects.values_list("pk", "invoiced_fen", "allocated_fen")
    assert any(fen for _pk, fen, _allocated in columns)
    for pk, invoiced_fen, allocated_fen in columns:
        assert (invoiced_fen, allocated_fen) == (invoiced[pk] * 100, allocated[pk] * 100)


def test_demo_scale_has_paid_partly_paid_and_overdue_milestones(deals: str) -> None:
    today = timezone.localdate()
    due = list(PaymentMilestone.objects.filter(due_date__lte=today).values_list("pk", flat=True))
    money = milestone_money_map(due, today)
    paid = [m for m in money.values() if m.outstanding <= 0]
    assert paid and len(paid) < len(due)
    partly = Allocation.objects.exclude(amount=F("milestone__amount"))
    assert partly.exists()
    # about 60% of the due milestones are invoiced and paid (in full or in part)
    share = Allocation.objects.filter(milestone__due_date__lte=today).count() / len(due)
    assert 0.45 < share < 0.8


def test_demo_scale_writes_the_deal_documents_a_rebuild_would(deals: str) -> None:
    loaded = _deal_documents()
    assert len(loaded) == 800 + 200 + 2 * Receipt.objects.count()
    search_rebuild()
    assert _deal_documents() == loaded


def test_demo_scale_leaves_deal_ids_usable(deals: str) -> None:
    contract = Contract.objects.order_by("pk").last()
    assert contract is not None
    copy = Contract.objects.create(
        account=Account.objects.get(pk=contract.account_id), name="新合同", amount=1,
        owner_id=contract.owner_id, created_by_id=contract.owner_id, signed_on=timezone.localdate(),
    )  # fmt: skip
    assert copy.pk > contract.pk


def test_demo_scale_gives_every_milestone_its_checklist_as_a_saved_plan_would(deals: str) -> None:
    items = ChecklistItem.objects.count()
    assert items > PaymentMilestone.objects.count()
    assert checklists_sync(PaymentMilestone.objects.all()) == 0
    assert ChecklistItem.objects.count() == items
    paid_in_full = ChecklistItem.objects.filter(
        milestone__allocated_fen=F("milestone__amount") * 100
    )
    assert paid_in_full.exists() and not paid_in_full.filter(done_at__isnull=True).exists()
    owed = ChecklistItem.objects.filter(milestone__allocated_fen=0)
    assert (
        owed.filter(done_at__isnull=True).exists() and owed.filter(done_by__isnull=False).exists()
    )
