"""The line editor and the move form in a real browser (strict CSP: behaviour from
opportunities.js only)."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from kam.opportunities.models import Opportunity

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "kam-test-pass"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_line_editor_adds_rows_previews_subtotals_and_saves(
    page, live_server, rep, rep_account, gated_process, product
):
    process, _stages = gated_process
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/users/login/")
    page.fill("input[name=username]", rep.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector("header.topbar")
    page.goto(f"{live_server.url}/opportunities/create/?account={rep_account.pk}")
    page.fill("input[name=name]", "浏览器商机")
    page.select_option("select[name=process]", str(process.pk))
    partner = page.locator("[data-partner-field]")
    assert not partner.is_visible()
    page.select_option("select[name=project_class]", "E")
    assert partner.is_visible()
    page.select_option("select[name=project_class]", "A")
    page.select_option("select[name=lines-0-product]", str(product.pk))
    page.fill("input[name=lines-0-quantity]", "2")
    page.fill("input[name=lines-0-discount_rate]", "10")
    assert page.locator("[data-line-row]").nth(0).locator("[data-line-subtotal]").inner_text() == (
        "18000.00"
    )
    rows_before = page.locator("[data-line-row]").count()
    page.click("[data-line-add]")
    assert page.locator("[data-line-row]").count() == rows_before + 1
    last = page.locator("[data-line-row]").last
    last.locator("[data-line-product]").select_option(str(product.pk))
    last.locator("[data-line-quantity]").fill("1")
    last.locator("[data-line-price]").fill("0.5")
    assert page.locator("[data-line-total]").inner_text() == "18000.50"
    page.click("form.opp-form button[type=submit].primary")
    page.wait_for_selector('[data-testid="opportunity-name"]')
    opportunity = Opportunity.objects.get(name="浏览器商机")
    assert str(opportunity.amount) == "18000.50"
    # The close reason only shows for won/lost targets.
    close = page.locator("[data-close-only]")
    assert not close.is_visible()
    page.select_option("select[name=to_stage]", label="输单")
    assert close.is_visible()
    assert not [e for e in errors if "Content Security Policy" in e]
