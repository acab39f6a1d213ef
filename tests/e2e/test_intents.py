from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.e2e.conftest import login, screenshot
from tests.factories import AccountFactory, LeadFactory, OpportunityFactory
from tests.intents.conftest import change_add


@pytest.mark.django_db(transaction=True)
def test_manager_reads_the_a_class_board_and_a_deals_history(
    live_server, page, shipped_processes, rep, colleague, manager
):
    today = timezone.localdate()
    account = AccountFactory(owner=rep, name="陕西省人民医院")
    deal = OpportunityFactory(account=account, owner=rep, intent_class="A", name="数据中心扩容",
                              amount=Decimal("1280000.00"),
                              expected_sign_date=today + timedelta(days=40))  # fmt: skip
    change_add(subject=deal, from_class="C", to_class="B", at=timezone.now() - timedelta(days=9))
    change_add(subject=deal, from_class="B", to_class="A", at=timezone.now() - timedelta(days=4))
    OpportunityFactory(account=account, owner=rep, intent_class="B",
                       expected_sign_date=today + timedelta(days=12))  # fmt: skip
    LeadFactory(owner=colleague, intent_class="A", company_name="西安新材料科技有限公司")

    login(page, live_server.url, "manager")
    page.goto(f"{live_server.url}/intents/")
    reps = page.locator("[data-testid=board-rep]")
    assert reps.count() == 2
    assert "1,280,000.00" in page.content()
    assert page.locator("[data-testid=contradiction]").count() == 1
    screenshot(page, "intents-board")

    page.goto(f"{live_server.url}/opportunities/{deal.pk}/")
    page.wait_for_selector("[data-testid=intent-history]")
    assert page.locator("[data-testid=intent-contradiction]").is_visible()
    screenshot(page, "intents-opportunity-panel")

    page.goto(f"{live_server.url}/intents/thresholds/")
    assert page.locator("[data-testid=read-only]").is_visible()
    screenshot(page, "intents-thresholds")
