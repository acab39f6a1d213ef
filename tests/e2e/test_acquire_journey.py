"""Acquiring in a real browser: a rep claims from the public pool (and a colleague who was a
moment too late is told so), and a lead whose BANT is completed is converted into an account
and an opportunity."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page

from kam.accounts.models import Account
from kam.leads.enums import LeadStatus
from kam.leads.models import Lead
from kam.pools.models import PoolEvent
from kam.pools.services.protection import default_pool, placement_refresh
from tests.e2e.conftest import login, screenshot
from tests.factories import AccountFactory, LeadFactory

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


def test_claim_from_the_pool(live_server, page, browser, rep, manager, other_rep):
    pool = default_pool()
    free = AccountFactory(owner=None, name="咸阳市智慧城市运营中心", grade="B")
    placement_refresh(free)
    lapsed = AccountFactory(owner=other_rep, name="渭南市数据资源局", grade="C")
    placement_refresh(lapsed, claimed_at=timezone.now() - timedelta(days=45))
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, live_server.url, "rep")

    page.click("nav >> text=公海")
    page.wait_for_selector("[data-testid=pool-list]")
    assert page.locator(f"[data-testid=pool-row-{lapsed.pk}]").inner_text().count("保护期已过")
    screenshot(page, "pool")
    # The manager opens the same pool and will be a moment too late.
    late = _as(browser, live_server.url, "manager")
    late.goto(f"{live_server.url}/pool/{pool.pk}/")
    late.wait_for_selector(f"[data-testid=claim-{free.pk}]")

    page.click(f"[data-testid=claim-{free.pk}]")
    page.wait_for_selector("[data-testid=claim-ok]")
    late.click(f"[data-testid=claim-{free.pk}]")
    refusal = late.wait_for_selector("[data-testid=claim-error]").inner_text()
    assert "保护期内" in refusal
    screenshot(late, "pool_claim_refused")

    page.click(f"[data-testid=claim-{lapsed.pk}]")
    page.wait_for_selector(f"[data-testid=pool-row-{lapsed.pk}] [data-testid=claim-ok]")
    assert Account.objects.get(pk=free.pk).owner == rep
    assert Account.objects.get(pk=lapsed.pk).owner == rep
    assert PoolEvent.objects.filter(account=lapsed, kind="recall", from_owner=other_rep).exists()

    page.goto(f"{live_server.url}{free.get_absolute_url()}")
    assert "还剩" in page.inner_text("[data-testid=protection-left]")
    page.click("nav >> text=公海")
    page.click("[data-testid=my-protections]")
    page.wait_for_selector("[data-testid=protection-list]")
    screenshot(page, "pool_mine")
    assert errors == []


def test_bant_conversion(live_server, page, rep):
    lead = LeadFactory(owner=rep, company_name="宝鸡市第一人民医院", contact_name="刘主任")
    login(page, live_server.url, "rep")
    page.goto(f"{live_server.url}/leads/{lead.pk}/")
    # BANT is incomplete: only the override is offered.
    assert page.locator("[data-testid=convert]").count() == 0
    page.wait_for_selector("[data-testid=request-override]")

    page.click("[data-testid=edit-lead]")
    for key in ("budget", "authority", "need", "timeline"):
        page.select_option(f"select[name={key}]", "confirmed")
    page.fill("textarea[name=budget_note]", "2027 年信息化预算 300 万元已批复")
    page.select_option("select[name=intent_class]", "B")
    page.click("form button[type=submit].primary")
    page.wait_for_selector("[data-testid=convert]")
    screenshot(page, "lead_bant_confirmed")

    page.select_option("select[name=industry]", "healthcare")
    page.select_option("select[name=province]", "陕西")
    page.select_option("select[name=level]", "city")
    page.fill("input[name=name]", "智慧医院一期")
    page.click("[data-testid=convert]")
    page.wait_for_selector("[data-testid=opportunity-name]")
    screenshot(page, "lead_converted_opportunity")

    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONVERTED
    opportunity = lead.converted_opportunity
    assert opportunity is not None and opportunity.name == "智慧医院一期"
    assert opportunity.account.name == "宝鸡市第一人民医院"
    assert opportunity.intent_class == "B"
    assert Lead.objects.get(pk=lead.pk).account == opportunity.account
