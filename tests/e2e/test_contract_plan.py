"""A contract's payment plan in a real browser: the rep turns a won deal into a contract,
types a plan that misses the amount, sees the live difference and the server's refusal, fixes
it to the fen, saves and submits the contract for approval. Once it is signed, finance records
the customer's transfer and allocates it to the down payment, and the rep's battle map shows
the money received, the progress bar moved and the next milestone still to collect."""

from decimal import Decimal

import pytest
from playwright.sync_api import Locator, Page, expect

from kam.approvals.enums import ApprovalStatus
from kam.approvals.models import Approval
from kam.approvals.services import approval_approve
from kam.contracts.enums import ContractStatus
from kam.contracts.models import Contract
from tests.contracts.conftest import won_opportunity
from tests.e2e.conftest import login, screenshot

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("shipped_processes"),
]


def _row(page: Page, index: int, field: str) -> Locator:
    return page.locator("[data-plan-row]").nth(index).locator(f"[name={field}]")


def _approve_all(contract: Contract) -> None:
    """The approval inbox has its own browser test; here the chain is walked through the engine."""
    approval = Approval.objects.get(
        type_code="contract", subject_id=contract.pk, status=ApprovalStatus.PENDING
    )
    while approval.status == ApprovalStatus.PENDING:
        step = approval.steps.filter(status="pending").select_related("approver").get()
        approval_approve(approval=approval, actor=step.approver, version=approval.version)
        approval.refresh_from_db()


def test_plan_must_sum_then_receipt_reaches_battle_map(
    live_server, page, rep, manager, director, finance
):
    opportunity = won_opportunity(rep)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, live_server.url, "rep")

    page.goto(f"{live_server.url}{opportunity.get_absolute_url()}")
    page.click("[data-testid=create-contract]")
    page.wait_for_selector("[data-testid=contract-status]")
    contract = Contract.objects.get(opportunity=opportunity)
    assert contract.amount == Decimal("500000.00")

    page.click("[data-testid=edit-plan]")
    live = page.locator("[data-testid=plan-live]")
    _row(page, 0, "kind").select_option("down_payment")
    _row(page, 0, "percent").fill("30")
    _row(page, 0, "trigger").select_option("signing")
    expect(live).to_contain_text("150,000.00")
    page.click("[data-testid=add-row]")
    _row(page, 1, "kind").select_option("acceptance")
    _row(page, 1, "amount").fill("300000")
    _row(page, 1, "trigger").select_option("acceptance")
    _row(page, 1, "due_days").fill("15")
    expect(live).to_contain_text("合计 450,000.00 元，差额 50,000.00 元")
    expect(live).to_have_class("plan-live bad")

    page.click("[data-testid=save-plan]")
    expect(page.locator("[data-testid=plan-errors]")).to_contain_text("相差 50,000.00 元")
    assert not contract.milestones.exists()
    # The refused page keeps what was typed and recomputes the difference on load.
    expect(live).to_contain_text("差额 50,000.00 元")
    screenshot(page, "contract_plan_refused")

    _row(page, 1, "amount").fill("350000.00")
    expect(live).to_contain_text("合计 500,000.00 元，差额 0.00 元")
    expect(live).to_have_class("plan-live ok")
    page.click("[data-testid=save-plan]")
    expect(page.locator("[data-testid=plan-sum]")).to_have_text("500,000.00")
    assert list(contract.milestones.values_list("amount", flat=True)) == [
        Decimal("150000.00"),
        Decimal("350000.00"),
    ]

    page.click("[data-testid=submit-contract]")
    expect(page.locator("[data-testid=contract-status]")).to_have_text("审批中")
    contract.refresh_from_db()
    assert contract.status == ContractStatus.IN_APPROVAL
    screenshot(page, "contract_detail")

    _approve_all(contract)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SIGNED
    page.context.clear_cookies()
    login(page, live_server.url, "finance")
    page.goto(f"{live_server.url}/billing/receipts/new/")
    form = page.locator("[data-testid=receipt-form]")
    form.locator("[name=account]").select_option(str(contract.account_id))
    form.locator("[name=contract]").select_option(str(contract.pk))
    form.locator("[name=amount]").fill("150000.00")
    form.locator("[name=payer_name]").fill(contract.account.name)
    form.locator("button[type=submit]").click()
    allocate = page.locator("[data-testid=allocate-form]")
    allocate.get_by_label("首付款").fill("150000.00")
    allocate.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=receipt-unallocated]")).to_have_text("0.00")

    page.context.clear_cookies()
    login(page, live_server.url, "rep")
    page.goto(f"{live_server.url}/battle-map/")
    row = page.locator(f"[data-testid=map-row][data-contract='{contract.pk}']")
    expect(row.locator("progress")).to_have_attribute("value", "30")
    expect(row.locator("[data-state=paid]")).to_contain_text("150,000.00")
    expect(row.locator("[data-state=waiting]")).to_contain_text("350,000.00")
    expect(page.locator("[data-testid=map-received]")).to_have_text("150,000.00")
    screenshot(page, "battle_map_after_receipt")
    # The refusal is an HTTP 422 page by design; the browser logs that, nothing else.
    assert [e for e in errors if "422" not in e] == []
