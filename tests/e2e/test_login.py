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
    # The English labels make the navigation ~1,000 px wide: the bar wraps instead of pushing
    # the search box and the user menu off the screen (at a laptop's width and a small one).
    for width in (1366, 1024):
        page.set_viewport_size({"width": width, "height": 860})
        search = page.locator(".topsearch input").bounding_box()
        user_menu = page.locator(".usermenu").bounding_box()
        assert search is not None and search["width"] >= 180, width
        assert user_menu is not None and user_menu["x"] + user_menu["width"] <= width, width
