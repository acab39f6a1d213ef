"""Scorecard pages: team card, rep card with radar, the assess form."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kam.scorecards.models import CapabilityAssessment
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.scorecards.conftest import IN_WEEK, record

WEEK = "?period=custom&start=2026-11-02&end=2026-11-08"


def test_team_page_lists_reps_in_scope_with_totals(manager, rep, colleague, other_rep):
    record(rep, IN_WEEK, won="1234.56")
    page = client_for(manager).get(f"/scorecards/{WEEK}")
    assert page.status_code == 200
    body = page.content.decode()
    assert str(rep) in body and str(colleague) in body and str(other_rep) not in body
    assert "1,234.56" in body and 'data-testid="scorecard-total"' in body
    assert page.context["card"].total.wins == 1


def test_team_page_sorts(manager, rep, colleague):
    record(colleague, IN_WEEK)
    page = client_for(manager).get(f"/scorecards/{WEEK}&sort=visits&dir=asc")
    assert [row.rep for row in page.context["card"].rows] == [rep, colleague]


def test_bad_custom_period_shows_the_error(manager, rep):
    page = client_for(manager).get("/scorecards/?period=custom&start=2026-11-08&end=2026-11-01")
    assert page.status_code == 200 and "结束日期不能早于开始日期" in page.content.decode()


def test_rep_is_sent_to_their_own_card(rep):
    response = client_for(rep).get(f"/scorecards/{WEEK}")
    assert response.status_code == 302
    assert response["Location"] == f"/scorecards/rep/{rep.pk}/{WEEK}"


def test_rep_card_with_radar_history_and_no_assess_form_for_the_rep(rep, manager):
    CapabilityAssessment.objects.create(rep=rep, assessor=manager, assessed_on=IN_WEEK.date(),
                                        relationship=3, solution=4, delivery_service=2,
                                        resource_coordination=5)  # fmt: skip
    own = client_for(rep).get(f"/scorecards/rep/{rep.pk}/")
    body = own.content.decode()
    assert 'data-testid="capability-radar"' in body and "data-chart=" in body
    assert 'data-testid="assess-form"' not in body
    assert 'data-testid="assessment-history"' in body
    assert (
        'data-testid="assess-form"'
        in client_for(manager).get(f"/scorecards/rep/{rep.pk}/").content.decode()
    )


def test_assess_form(rep, manager):
    client = client_for(manager)
    data = {"relationship": "4", "solution": "3", "delivery_service": "5",
            "resource_coordination": "2", "solution_note": "案例运用好"}  # fmt: skip
    response = client.post(f"/scorecards/rep/{rep.pk}/assess/", data)
    assert response.status_code == 302
    assessment = CapabilityAssessment.objects.get()
    assert (assessment.assessor, assessment.solution_note) == (manager, "案例运用好")
    bad = client.post(f"/scorecards/rep/{rep.pk}/assess/", {**data, "solution": "9"})
    assert bad.status_code == 422 and CapabilityAssessment.objects.count() == 1


def test_team_page_query_count_does_not_grow(manager, rep, django_assert_num_queries):
    client = client_for(manager)
    record(rep, IN_WEEK)
    client.get(f"/scorecards/{WEEK}")
    with CaptureQueriesContext(connection) as one:
        client.get(f"/scorecards/{WEEK}")
    baseline = len(one.captured_queries)
    # Session, user, the reps; new A-class deals and visits (one UNION ALL), stage moves, deals
    # closed and open, money collected, overdue; the work calendar's check and review sheets.
    assert baseline <= 10
    for _ in range(2):
        record(UserFactory(team=rep.team, manager=manager), IN_WEEK)
    with django_assert_num_queries(baseline):
        page = client.get(f"/scorecards/{WEEK}")
    assert len(page.context["card"].rows) == 3
