import pytest

from tests.e2e.conftest import login, screenshot


@pytest.mark.django_db(transaction=True)
def test_rep_logs_in_and_switches_language(live_server, page, rep):
    page.goto(f"{live_server.url}/users/login/")
    screenshot(page, "login")
    login(page, live_server.url, "rep")
    assert page.locator("h1").inner_text().startswith("你好")
    screenshot(page, "home")
    page.click("[data-testid=lang-switch]")
    page.wait_for_selector("html[lang=en]")
    assert "Accounts" in page.locator("nav.mainnav").inner_text()
