"""The kanban in a real browser (strict CSP: behaviour from kanban.js only): a refused drop
snaps back and lists what is missing; a drop to won asks the close reason first."""

from collections.abc import Iterator
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page

from kam.opportunities.enums import MoveChannel
from kam.opportunities.models import Opportunity, StageMove
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import OpportunityFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "kam-test-pass"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1600, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _login(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/users/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector("header.topbar")


def _drag(page: Page, card_id: int, stage_id: int) -> None:
    page.locator(f'[data-card="{card_id}"]').drag_to(
        page.locator(f'[data-kanban-list][data-stage-id="{stage_id}"]')
    )


def test_drop_refused_snaps_back_then_moves_and_closes(
    page, live_server, rep, rep_account, gated_process
):
    process, stages = gated_process
    deal = OpportunityFactory(account=rep_account, stage=stages["lead"], name="看板商机")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _login(page, live_server.url, rep.username)
    page.goto(f"{live_server.url}/opportunities/board/?process={process.pk}")

    _drag(page, deal.pk, stages["solution"].pk)
    message = page.locator("[data-testid=kanban-message]")
    message.wait_for(state="visible")
    assert "线索：预计签约日期" in message.inner_text()
    lead = page.locator(f'[data-kanban-list][data-stage-id="{stages["lead"].pk}"]')
    assert lead.locator(f'[data-card="{deal.pk}"]').count() == 1

    Opportunity.objects.filter(pk=deal.pk).update(expected_sign_date=date(2027, 1, 1))
    _drag(page, deal.pk, stages["solution"].pk)
    column = page.locator(f'[data-stage-column="{stages["solution"].pk}"] [data-count]')
    page.wait_for_function("el => el.textContent.trim() === '1'", arg=column.element_handle())
    assert page.locator(f'[data-card="{deal.pk}"]').get_attribute("data-version") == "1"
    assert not message.is_visible()

    Opportunity.objects.filter(pk=deal.pk).update(stage=stages["negotiate"])
    page.reload()
    _drag(page, deal.pk, stages["won"].pk)
    dialog = page.locator("[data-testid=close-dialog]")
    dialog.wait_for(state="visible")
    dialog.locator("select[name=close_reason]").select_option("price")
    dialog.locator("button[value=confirm]").click()
    won = page.locator(f'[data-stage-column="{stages["won"].pk}"] [data-count]')
    page.wait_for_function("el => el.textContent.trim() === '1'", arg=won.element_handle())
    deal.refresh_from_db()
    assert deal.stage == stages["won"] and deal.close_reason == "price"
    channels = set(StageMove.objects.filter(opportunity=deal).values_list("channel", flat=True))
    assert channels == {MoveChannel.KANBAN}
    assert not [e for e in errors if "Content Security Policy" in e]


def test_closed_column_loads_its_cards_when_unfolded(
    page, live_server, rep, rep_account, gated_process
):
    process, stages = gated_process
    deal = OpportunityFactory(
        account=rep_account, stage=stages["won"], name="已赢商机", closed_at=timezone.now()
    )
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _login(page, live_server.url, rep.username)
    page.goto(f"{live_server.url}/opportunities/board/?process={process.pk}")
    fold = page.locator("[data-testid=closed-won]")
    assert fold.locator(f'[data-card="{deal.pk}"]').count() == 0
    fold.locator("summary").click()
    fold.locator(f'[data-card="{deal.pk}"]').wait_for(state="visible")
    assert "已赢商机" in fold.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "kanban_closed_fold.png"), full_page=True)
    assert not errors
