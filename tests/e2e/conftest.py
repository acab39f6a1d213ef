"""Browser tests: Playwright drives Debian's Chromium against a live server.

Screenshots of the main pages land in docs/screenshots/ so a person can look at them.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
PASSWORD = "kam-test-pass"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def shipped_processes(db: None) -> None:
    """The sales processes and checklist items the migrations ship. Browser tests run in
    transactions that end with a flush, which empties every table, migration-made rows
    included; the next browser test puts them back with the migrations' own functions."""
    from importlib import import_module

    from django.apps import apps

    steps = [
        ("opportunities", "0002_shipped_sales_processes", "create_processes"),
        ("opportunities", "0004_shipped_stage_gates", "ship"),
        ("opportunities", "0006_stage_team_roles", "ship"),
    ]
    for app, migration, function in steps:
        getattr(import_module(f"kam.{app}.migrations.{migration}"), function)(apps, None)
    # Not idempotent like the ones above: only when a flush has emptied the table.
    if not apps.get_model("checklists", "ChecklistTemplate").objects.exists():
        import_module("kam.checklists.migrations.0002_default_templates").add_defaults(apps, None)


def login(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/users/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector("header.topbar")


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
