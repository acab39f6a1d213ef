"""The daily review sheet in a browser: the rep notes and files, the manager comments on the
team overview's sheet, then runs the nightly meeting on the presentation screen."""

from decimal import Decimal

import pytest

from kam.reviews.models import ReviewComment, ReviewSheet
from tests.e2e.conftest import SCREENSHOTS, login, screenshot
from tests.factories import AccountFactory, LeadFactory, OpportunityFactory


@pytest.mark.django_db(transaction=True)
def test_rep_files_and_manager_reviews(live_server, browser, shipped_processes, rep, colleague,
                                       manager):  # fmt: skip
    hospital = AccountFactory(owner=rep, name="陕西省人民医院")
    OpportunityFactory(account=hospital, owner=rep, name="影像云平台建设", intent_class="A",
                       amount=Decimal("3860000.00"))  # fmt: skip
    plant = AccountFactory(owner=rep, name="西安热电厂")
    OpportunityFactory(account=plant, owner=rep, name="生产网安全加固", intent_class="B",
                       amount=Decimal("920000.00"))  # fmt: skip
    LeadFactory(owner=rep, company_name="宝鸡重工有限公司", intent_class="C")
    LeadFactory(owner=colleague, company_name="咸阳纺织集团", intent_class="B")

    rep_page = browser.new_context(
        viewport={"width": 1366, "height": 860}, locale="zh-CN"
    ).new_page()
    login(rep_page, live_server.url, "rep")
    rep_page.click("[data-nav=reviews]")
    rep_page.wait_for_selector("[data-testid=review-item]")
    assert rep_page.locator("[data-testid=review-item]").count() == 3
    first = rep_page.locator("[data-testid=review-item]").first
    assert "影像云平台建设" in first.inner_text()
    first.locator("textarea[name$=rep_note]").fill("客户信息科本周评审方案，周五出结论。")
    first.locator("textarea[name$=next_step]").fill("周四约信息科主任做技术交流")
    first.locator("[data-testid=save-note]").click()
    first.locator("[data-testid=note-saved]").wait_for()
    rep_page.fill("textarea[name=rep_summary]", "今天推进两个 A/B 类项目，明天重点跟进影像云。")
    rep_page.evaluate("window.scrollTo(0, 0)")
    screenshot(rep_page, "review_sheet")
    rep_page.click("[data-testid=file-sheet]")
    rep_page.wait_for_selector("[data-testid=sheet-status].ok")
    sheet = ReviewSheet.objects.get(rep=rep)
    assert sheet.filed_at is not None
    assert sheet.items.get(opportunity__name="影像云平台建设").rep_note.startswith("客户信息科")

    page = browser.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN").new_page()
    login(page, live_server.url, "manager")
    page.click("[data-nav=reviews]")
    page.wait_for_selector("[data-testid=review-team]")
    assert "周销售" in page.locator("[data-testid=missing]").inner_text()
    screenshot(page, "review_team")
    page.locator("[data-testid=team-row]", has_text="李销售").locator(
        "[data-testid=open-sheet]"
    ).click()
    card = page.locator("[data-testid=review-item]").first
    card.locator("textarea[name=body]").fill("先把决策链画清楚，评审会前拜访分管院长。")
    card.locator("[data-testid=add-comment]").click()
    card.get_by_text("先把决策链画清楚").wait_for()
    assert ReviewComment.objects.get().author == manager

    page.goto(f"{live_server.url}/reviews/team/")
    page.click("[data-testid=present]")
    slide = page.locator("[data-testid=slide]:visible")
    slide.wait_for()
    first_name = slide.locator("h1").inner_text()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "document.querySelector('[data-testid=present-counter]').textContent.startsWith('2')"
    )
    assert page.locator("[data-testid=slide]:visible h1").inner_text() != first_name
    assert "影像云平台建设" in page.locator("[data-testid=slide]:visible").inner_text()
    # The viewport only: the meeting screen is exactly one screen, whatever the page behind it.
    page.screenshot(path=str(SCREENSHOTS / "review_present.png"))
    page.keyboard.press("ArrowLeft")
    assert page.locator("[data-testid=slide]:visible h1").inner_text() == first_name
    page.click("[data-testid=present-fullscreen]")
    page.wait_for_function("document.fullscreenElement?.dataset.testid === 'present'")
