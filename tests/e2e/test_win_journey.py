"""Winning in a real browser: a rep creates an opportunity from the account page, is refused at
the gate with the exact list, fills the missing date and the initiation report, the manager and
the director approve it from their inboxes, the deal moves on by itself; then the rep drags it
on the kanban — refused first, accepted once the iron triangle is formed."""

from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page

from kam.approvals.models import Approval
from kam.contacts.enums import DecisionRole
from kam.opportunities.enums import MoveChannel, TeamRole
from kam.opportunities.models import Opportunity, Stage, StageMove
from kam.opportunities.services.opportunities import opportunity_team_add
from kam.users.enums import Role
from tests.e2e.conftest import login, screenshot
from tests.factories import AccountFactory, ContactFactory, ProductFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("shipped_processes"),
]


def _as(browser: Browser, base_url: str, username: str) -> Page:
    context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, base_url, username)
    return page


def test_create_gate_approval_and_kanban(
    live_server, page, browser, rep, manager, director, solution_manager
):
    delivery_manager = UserFactory(
        username="delivery", display_name="黄交付", role=Role.DELIVERY_MANAGER,
        team=solution_manager.team, manager=manager,
    )  # fmt: skip
    account = AccountFactory(owner=rep, name="陕西智慧交通集团有限公司")
    ContactFactory(account=account, name="赵总", decision_role=DecisionRole.DECISION_MAKER)
    product = ProductFactory(name="智能交通信号平台", list_price=Decimal("120000.00"))
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, live_server.url, "rep")

    # Create from the account page, leaving out the expected signing date.
    page.goto(f"{live_server.url}{account.get_absolute_url()}")
    page.click("[data-testid=create-opportunity]")
    page.fill("input[name=name]", "全省信号灯联网改造")
    page.select_option("select[name=intent_class]", "A")
    page.select_option("select[name=project_class]", "B")
    page.fill("input[name=customer_lead]", "赵总")
    page.select_option("select[name=lines-0-product]", str(product.pk))
    page.fill("input[name=lines-0-quantity]", "3")
    page.fill("input[name=lines-0-discount_rate]", "5")
    page.click("form.opp-form button[type=submit].primary")
    page.wait_for_selector("[data-testid=opportunity-name]")
    deal = Opportunity.objects.get(name="全省信号灯联网改造")
    assert deal.amount == Decimal("342000.00")

    # Refused at the gate, with every missing item named.
    initiate = Stage.objects.get(process=deal.process, code="initiate")
    page.select_option("[data-testid=move-form] select[name=to_stage]", str(initiate.pk))
    page.click("[data-testid=move-form] button[type=submit]")
    missing = page.locator("[data-testid=missing-list]")
    missing.wait_for()
    assert "预计签约日期" in missing.inner_text()
    assert "立项审批" in missing.inner_text()
    screenshot(page, "opportunity_gate_refused")

    # Satisfy the field, then the initiation report goes for approval.
    page.click("[data-testid=edit-opportunity]")
    page.fill("input[name=expected_sign_date]", "2027-03-31")
    page.click("form.opp-form button[type=submit].primary")
    page.wait_for_selector("[data-testid=opportunity-name]")
    page.goto(f"{live_server.url}/opportunities/{deal.pk}/initiation/edit/")
    page.fill("input[name=gross_margin_rate]", "28.5")
    page.fill("input[name=expense_budget]", "20000")
    page.click("[data-testid=initiation-form] button[type=submit].primary")
    page.click("[data-testid=initiation-submit]")
    page.wait_for_selector("[data-testid=initiation-status]")
    approval = Approval.objects.get(type_code="initiation", opportunity=deal)

    # The manager, then the director, approve from their inboxes.
    for username in ("manager", "director"):
        approver = _as(browser, live_server.url, username)
        approver.click("nav.mainnav a[data-nav=approvals]")
        approver.wait_for_selector("[data-testid=approval-table]")
        if username == "manager":
            screenshot(approver, "approval_inbox")
        approver.click(f"a[href='/approvals/{approval.pk}/']")
        approver.fill("[data-testid=approval-decide] textarea[name=comment]", "同意立项。")
        approver.click("[data-testid=approve]")
        approver.wait_for_selector("[data-testid=approval-status]")
        approver.context.close()
    deal.refresh_from_db()
    assert deal.stage == initiate
    assert StageMove.objects.filter(opportunity=deal, channel=MoveChannel.APPROVAL).exists()
    page.goto(f"{live_server.url}{deal.get_absolute_url()}")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=current-stage]").inner_text() == "商机立项"
    screenshot(page, "opportunity_detail")

    # On the kanban: the drop to 需求分析 is refused (no iron triangle), then accepted.
    analyse = Stage.objects.get(process=deal.process, code="analyse")
    page.goto(f"{live_server.url}/opportunities/board/")
    card = page.locator(f'[data-card="{deal.pk}"]')
    target = page.locator(f'[data-kanban-list][data-stage-id="{analyse.pk}"]')
    card.drag_to(target)
    message = page.locator("[data-testid=kanban-message]")
    message.wait_for(state="visible")
    assert "铁三角" in message.inner_text()
    screenshot(page, "kanban_refused")
    for user, role in ((solution_manager, TeamRole.SOLUTION_MANAGER),
                       (delivery_manager, TeamRole.DELIVERY_MANAGER)):  # fmt: skip
        opportunity_team_add(opportunity=deal, actor=rep, user=user, role=role)
    page.reload()
    page.locator(f'[data-card="{deal.pk}"]').drag_to(target)
    count = page.locator(f'[data-stage-column="{analyse.pk}"] [data-count]')
    page.wait_for_function("el => el.textContent.trim() === '1'", arg=count.element_handle())
    deal.refresh_from_db()
    assert deal.stage == analyse
    screenshot(page, "kanban")
    assert not [e for e in errors if "Content Security Policy" in e]
