"""A tour of the demo company as a sales director sees it; the screenshots go in the README."""

import pytest
from django.core.management import call_command
from django.db.models import Count
from playwright.sync_api import Page

from kam.accounts.models import Account
from kam.contacts.models import Contact
from kam.delivery.models import DeliveryChainMember
from kam.demo.people import DEMO_PASSWORD
from kam.opportunities.models import Opportunity
from tests.e2e.conftest import screenshot


def login_demo(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/users/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector("header.topbar")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("shipped_processes")
def test_director_tours_the_demo_company(live_server, page):
    call_command("demo_load", verbosity=0)
    login_demo(page, live_server.url, "director")
    screenshot(page, "demo_home")

    page.goto(f"{live_server.url}/accounts/")
    assert page.locator("table.data tbody tr").count() >= 20
    screenshot(page, "demo_accounts_list")

    group = Account.objects.filter(parent__isnull=True, children__isnull=False).first()
    assert group is not None
    page.goto(f"{live_server.url}/accounts/{group.pk}/")
    page.wait_for_selector(".orgchart")
    page.wait_for_selector(".timeline li")
    page.wait_for_selector("[data-testid=field-history]")
    page.set_viewport_size({"width": 1366, "height": 1500})
    page.screenshot(path=str(screenshot_path("demo_account_detail")))

    person = Contact.objects.annotate(changes=Count("score_changes")).filter(changes__gte=3).first()
    assert person is not None
    page.goto(f"{live_server.url}/contacts/{person.pk}/")
    page.wait_for_selector(".sparkline svg, .chart svg")
    screenshot(page, "demo_contact_detail")

    page.goto(f"{live_server.url}/search/?q=采购副总")
    page.wait_for_selector(".search-hit")
    screenshot(page, "demo_search")

    # The pipeline: the board, a deal deep in the funnel with its panels, the approval inbox,
    # the violations report and the forecast.
    page.set_viewport_size({"width": 1600, "height": 900})
    page.goto(f"{live_server.url}/opportunities/board/")
    assert page.locator("[data-card]").count() >= 20
    screenshot(page, "demo_kanban")
    deal = Opportunity.objects.filter(stage__code="negotiate").first()
    assert deal is not None
    page.goto(f"{live_server.url}/opportunities/{deal.pk}/")
    page.wait_for_load_state("networkidle")
    screenshot(page, "demo_opportunity_detail")
    page.goto(f"{live_server.url}/opportunities/violations/")
    assert page.locator("table.data tbody tr").count() >= 2
    screenshot(page, "demo_violations")
    page.goto(f"{live_server.url}/forecasts/")
    screenshot(page, "demo_forecast")

    # Collection: the battle map (on screen and as printed), the dashboard and the aging.
    page.goto(f"{live_server.url}/battle-map/")
    assert page.locator("[data-testid=map-row]").count() >= 10
    assert page.locator("[data-state=overdue]").count() >= 3
    screenshot(page, "demo_battle_map")
    page.emulate_media(media="print")
    screenshot(page, "demo_battle_map_print")
    page.emulate_media(media="screen")
    chain = DeliveryChainMember.objects.order_by("pk").first()
    assert chain is not None
    page.goto(f"{live_server.url}/contracts/{chain.contract_id}/")
    page.wait_for_selector("[data-testid=delivery-chain-summary]")
    screenshot(page, "demo_contract_detail")
    page.goto(f"{live_server.url}/delivery/contract/{chain.contract_id}/")
    screenshot(page, "demo_delivery_chain")
    page.goto(f"{live_server.url}/checklists/contract/{chain.contract_id}/")
    screenshot(page, "demo_checklist")
    page.context.clear_cookies()
    login_demo(page, live_server.url, "finance")
    page.goto(f"{live_server.url}/billing/dashboard/")
    page.wait_for_selector("[data-testid=series-chart] svg")
    screenshot(page, "demo_collections_dashboard")
    page.goto(f"{live_server.url}/billing/aging/")
    screenshot(page, "demo_aging")
    page.context.clear_cookies()
    login_demo(page, live_server.url, "manager1")
    page.goto(f"{live_server.url}/approvals/")
    screenshot(page, "demo_approval_inbox")


def screenshot_path(name: str):
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
