"""Browser test: a rep logs a visit from a phone-sized screen, then reads the account timeline."""

import pytest
from playwright.sync_api import Browser

from kam.interactions.models import Interaction
from tests.e2e import conftest as e2e
from tests.interactions.conftest import PDF_BYTES

pytestmark = pytest.mark.e2e
login, screenshot = e2e.login, e2e.screenshot


@pytest.mark.django_db(transaction=True)
def test_rep_logs_visit_on_phone_and_sees_timeline(
    live_server,
    browser: Browser,
    rep,
    manager,
    account,
    zhang,
    li,
    tmp_path,
):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, live_server.url, "rep")
        page.goto(f"{live_server.url}/interactions/create/?account={account.pk}")
        # Reception notes only appear for 接待.
        assert not page.is_visible("textarea[name=reception_notes]")
        page.select_option("select[name=kind]", "reception")
        assert page.is_visible("textarea[name=reception_notes]")
        page.select_option("select[name=kind]", "visit")
        assert not page.is_visible("textarea[name=reception_notes]")
        page.fill("input[name=subject]", "信息化规划交流")
        page.check(f"input[name=their_participants][value='{zhang.pk}']")
        page.fill("textarea[name=content]", "介绍了区域医疗整体方案。")
        page.fill("textarea[name=outcome]", "院方认可方向")
        page.fill("input[name=next_step]", "送方案书")
        page.check("input[name=accompanied]")
        page.select_option("select[name=accompanied_by]", str(manager.pk))
        pdf = tmp_path / "方案.pdf"
        pdf.write_bytes(PDF_BYTES)
        page.set_input_files("input[name=attachments]", str(pdf))
        # Single column on a phone: the form is no wider than the screen.
        width = page.eval_on_selector(".interaction-form", "el => el.getBoundingClientRect().width")
        assert width <= 390
        screenshot(page, "interaction-create-phone")
        page.click("button[type=submit].primary")
        page.wait_for_selector("[data-testid=attachments]")
        interaction = Interaction.objects.get()
        assert interaction.accompanied_by == manager
        assert page.locator("h1").inner_text() == "信息化规划交流"
        screenshot(page, "interaction-detail-phone")

        page.goto(f"{live_server.url}/interactions/for_account/{account.pk}/")
        page.wait_for_selector("[data-testid=account-timeline] li.kind-interaction")
        assert "信息化规划交流" in page.locator("[data-testid=account-timeline]").inner_text()
        screenshot(page, "account-timeline-phone")

        page.goto(f"{live_server.url}/interactions/")
        assert "信息化规划交流" in page.locator("[data-testid=interaction-table]").inner_text()
        screenshot(page, "interaction-list-phone")
    finally:
        context.close()
