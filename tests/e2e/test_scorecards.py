import pytest

from kam.scorecards.models import CapabilityAssessment
from tests.e2e.conftest import login, screenshot
from tests.scorecards.conftest import IN_WEEK, record


@pytest.mark.django_db(transaction=True)
def test_manager_reads_the_team_card_and_assesses_a_rep(
    live_server, page, shipped_processes, rep, colleague, manager
):
    record(rep, IN_WEEK, won="1280000.00")
    record(colleague, IN_WEEK, won="360000.00")
    CapabilityAssessment.objects.create(rep=rep, assessor=manager, assessed_on=IN_WEEK.date(),
                                        relationship=3, solution=4, delivery_service=2,
                                        resource_coordination=4)  # fmt: skip

    login(page, live_server.url, "manager")
    page.goto(f"{live_server.url}/scorecards/?period=custom&start=2026-11-02&end=2026-11-08")
    assert page.locator("[data-testid=scorecard-row]").count() == 2
    assert "1,640,000.00" in page.content()
    screenshot(page, "scorecards-team")

    page.click(f"a[href^='/scorecards/rep/{rep.pk}/']")
    page.wait_for_selector("[data-testid=capability-radar] svg")
    page.select_option("select[name=relationship]", "4")
    page.select_option("select[name=solution]", "4")
    page.select_option("select[name=delivery_service]", "3")
    page.select_option("select[name=resource_coordination]", "5")
    page.click("[data-testid=assess-form] button[type=submit]")
    page.wait_for_selector("[data-testid=assessment-history]")
    assert CapabilityAssessment.objects.filter(rep=rep).count() == 2
    screenshot(page, "scorecards-rep")
