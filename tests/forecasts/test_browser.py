"""The accuracy chart draws in a real browser under the strict CSP (browser tests: -m e2e)."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import login
from tests.factories import ForecastSnapshotFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(request: pytest.FixtureRequest) -> Iterator[Page]:
    # `pytest tests/forecasts` runs everywhere; the browser test only where Chromium is.
    if not Path(settings.CHROMIUM_PATH).exists():
        pytest.skip(f"no Chromium at {settings.CHROMIUM_PATH}")
    browser: Browser = request.getfixturevalue("browser")
    context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.mark.django_db(transaction=True)
def test_forecast_and_accuracy_pages_in_a_browser(live_server, page, manager, rep, deal):
    deal(rep, "1000.00", category="commit", probability=80, sign=date(2026, 12, 1))
    deal(rep, "900.00", won_at=datetime(2026, 8, 20, tzinfo=UTC))
    for week, amount in ((date(2026, 7, 6), "700.00"), (date(2026, 8, 3), "1000.00")):
        ForecastSnapshotFactory(owner=rep, week_start=week, period_key="2026Q3",
                                category="commit", amount=Decimal(amount))  # fmt: skip
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    login(page, live_server.url, "manager")
    assert page.locator("nav.mainnav [data-nav=forecasts]").count() == 1

    page.goto(f"{live_server.url}/forecasts/?period=2026Q4")
    assert "1,000.00" in page.locator("[data-testid=forecast-totals]").inner_text()

    page.goto(f"{live_server.url}/forecasts/accuracy/?period=2026Q3")
    page.wait_for_selector("[data-testid=accuracy-chart] svg")
    assert page.locator("[data-testid=accuracy-row]").count() == 2
    assert csp_errors == []
