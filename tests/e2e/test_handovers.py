import pytest

from kam.accounts.models import Account
from kam.handovers.models import Handover
from tests.e2e.conftest import login, screenshot
from tests.factories import AccountFactory, LeadFactory, OpportunityFactory


@pytest.mark.django_db(transaction=True)
def test_manager_previews_confirms_and_reverses_a_handover(
    live_server, page, shipped_processes, rep, colleague, manager
):
    first = AccountFactory(owner=rep, name="陕西省人民医院")
    AccountFactory(owner=rep, name="西安热电厂")
    OpportunityFactory(account=first, owner=rep, name="数据中心扩容")
    LeadFactory(owner=rep, company_name="渭南化工有限公司")

    login(page, live_server.url, "manager")
    page.goto(f"{live_server.url}/handovers/new/")
    page.click(f"a[href='/handovers/user/{rep.pk}/']")
    page.select_option("select[name=everything]", str(colleague.pk))
    page.click("[data-testid=preview-button]")
    page.wait_for_selector("[data-testid=execute-button]")
    assert not Handover.objects.exists()
    screenshot(page, "handovers-preview")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=execute-button]")
    page.wait_for_selector("[data-testid=handover-items]")
    assert not Account.objects.filter(owner=rep).exists()
    screenshot(page, "handovers-detail")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=reverse-button]")
    page.wait_for_selector("[data-testid=handover-items]")
    assert Account.objects.filter(owner=rep).count() == 2
