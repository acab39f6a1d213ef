"""Pre-sales pages, API and cost report: visibility (404 for other teams), who may act,
exact Decimal sums, query counts."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from kam.presales.enums import HoursStatus, RequestStatus
from kam.presales.models import HoursLog, PresalesRequest
from kam.users.enums import Role
from kam.users.services import api_token_create
from tests.conftest import client_for
from tests.factories import (
    AccountFactory,
    HoursLogFactory,
    OpportunityFactory,
    PresalesAssignmentFactory,
    PresalesRequestFactory,
    UserFactory,
)
from tests.presales.conftest import approval_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def presales_person(team_two, other_manager):
    return UserFactory(
        username="presales", role=Role.SOLUTION_MANAGER, team=team_two, manager=other_manager
    )


@pytest.fixture
def assignment(opportunity, presales_person, manager):
    request = PresalesRequestFactory(
        opportunity=opportunity, requested_by=opportunity.owner, status=RequestStatus.DISPATCHED
    )
    from kam.opportunities.models import OpportunityTeamMember

    OpportunityTeamMember.objects.create(
        opportunity=opportunity, user=presales_person, role="presales"
    )
    return PresalesAssignmentFactory(request=request, user=presales_person, assigned_by=manager)


def _api(user):
    from django.test import Client

    token = api_token_create(user=user, name="test")[1]
    return Client(headers={"authorization": f"Bearer {token}"})


def test_pages_follow_visibility(opportunity, assignment, rep, manager, other_rep, colleague):
    request = assignment.request
    urls = [
        reverse("presales:panel", args=[opportunity.pk]),
        reverse("presales:create", args=[opportunity.pk]),
        reverse("presales:detail", args=[request.pk]),
        reverse("presales:edit", args=[request.pk]),
        reverse("presales:log_hours", args=[assignment.pk]),
    ]
    # (other_manager sees it: their report sits on the deal team.)
    for user in (other_rep, colleague):
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert (
            client.post(reverse("presales:submit", args=[request.pk]), {"version": 0}).status_code
            == 404
        )
        assert client.post(reverse("presales:dispatch", args=[request.pk])).status_code == 404
    for user in (rep, manager):
        client = client_for(user)
        for url in urls[:4]:
            assert client.get(url).status_code == 200, (user, url)
        # Only the assigned person logs hours on an assignment.
        assert client.get(urls[4]).status_code == 403


def test_rep_cannot_dispatch_but_manager_can(opportunity, rep, manager, presales_person):
    request = PresalesRequestFactory(opportunity=opportunity, status=RequestStatus.APPROVED)
    url = reverse("presales:dispatch", args=[request.pk])
    data = {"users": [presales_person.pk], "version": request.version}
    assert client_for(rep).post(url, data).status_code == 403
    detail = client_for(rep).get(reverse("presales:detail", args=[request.pk])).content.decode()
    assert "presales-dispatch-form" not in detail
    assert client_for(manager).post(url, data).status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.DISPATCHED
    assert request.assignments.get().user == presales_person


def test_request_form_creates_and_submits(opportunity, rep):
    response = client_for(rep).post(
        reverse("presales:create", args=[opportunity.pk]),
        {
            "kind": "demo", "description": "产品演示", "needed_from": "2026-11-10",
            "needed_to": "2026-11-12", "estimated_hours": "8", "submit": "1",
        },
    )  # fmt: skip
    request = PresalesRequest.objects.get(opportunity=opportunity)
    assert response.status_code == 302
    assert request.status == RequestStatus.PENDING
    assert approval_for(request, "presales_request").amount == Decimal("6400.00")
    bad = client_for(rep).post(
        reverse("presales:create", args=[opportunity.pk]),
        {"kind": "demo", "description": "x", "needed_from": "2026-11-10",
         "needed_to": "2026-11-12", "estimated_hours": "3.2"},
    )  # fmt: skip
    assert bad.status_code == 422
    assert PresalesRequest.objects.count() == 1


def test_log_hours_page(assignment, presales_person):
    client = client_for(presales_person)
    url = reverse("presales:log_hours", args=[assignment.pk])
    ok = client.post(url, {"date": "2026-11-02", "hours": "7.5", "description": "方案编写"})
    assert ok.status_code == 302
    bad = client.post(url, {"date": "2026-11-02", "hours": "25", "description": "通宵"})
    assert bad.status_code == 422
    assert list(HoursLog.objects.values_list("hours", flat=True)) == [Decimal("7.5")]
    submitted = client.post(reverse("presales:submit_hours", args=[assignment.pk]))
    assert submitted.status_code == 302
    assert HoursLog.objects.get().approval.type_code == "presales_hours"


def test_cost_report_sums_exactly_and_only_visible(
    opportunity, assignment, rep, other_rep, gm, settings
):
    HoursLogFactory(assignment=assignment, hours=Decimal("7.5"), status=HoursStatus.APPROVED)
    HoursLogFactory(assignment=assignment, hours=Decimal("4.5"), status=HoursStatus.APPROVED)
    HoursLogFactory(assignment=assignment, hours=Decimal("3.0"))  # not confirmed yet
    other_opp = OpportunityFactory(account=AccountFactory(owner=other_rep), owner=other_rep)
    other = PresalesAssignmentFactory(request__opportunity=other_opp)
    HoursLogFactory(assignment=other, hours=Decimal("10"), status=HoursStatus.APPROVED)

    from kam.presales.selectors import presales_cost_rows, presales_cost_totals

    rows = presales_cost_rows(rep)
    assert [(o.pk, o.logged_hours, o.approved_hours) for o in rows] == [
        (opportunity.pk, Decimal("15.0"), Decimal("12.0"))
    ]
    totals = presales_cost_totals(rows)
    assert totals.cost == Decimal("9600.00")
    assert presales_cost_totals(presales_cost_rows(gm)).cost == Decimal("17600.00")

    settings.KAM_PRESALES_HOURLY_RATE = Decimal("812.35")
    page = client_for(rep).get(reverse("presales:costs")).content.decode()
    assert "¥9,748.20" in page
    assert f'data-opportunity="{other_opp.pk}"' not in page
    filtered = presales_cost_rows(rep, date_from=date(2027, 1, 1))
    assert not filtered.exists()


def test_cost_report_sums_the_periods_hours_across_requests(opportunity, assignment, rep):
    from kam.presales.selectors import presales_cost_rows

    second = PresalesAssignmentFactory(request__opportunity=opportunity)
    approved = HoursStatus.APPROVED
    HoursLogFactory(assignment=assignment, hours=Decimal("2.0"), status=approved,
                    date=date(2026, 3, 1))  # fmt: skip
    HoursLogFactory(assignment=second, hours=Decimal("5.0"), status=approved, date=date(2026, 6, 1))
    HoursLogFactory(assignment=second, hours=Decimal("1.0"), date=date(2026, 6, 2))
    [whole] = presales_cost_rows(rep)
    assert (whole.logged_hours, whole.approved_hours) == (Decimal("8.0"), Decimal("7.0"))
    [spring] = presales_cost_rows(rep, date_to=date(2026, 5, 31))
    assert (spring.logged_hours, spring.approved_hours) == (Decimal("2.0"), Decimal("2.0"))
    [summer] = presales_cost_rows(rep, date_from=date(2026, 6, 2))
    assert (summer.logged_hours, summer.approved_hours) == (Decimal("1.0"), Decimal("0.0"))


def test_cost_export_goes_through_the_export_mechanism(opportunity, assignment, rep, gm):
    HoursLogFactory(assignment=assignment, hours=Decimal("2.5"), status=HoursStatus.APPROVED)
    url = reverse("presales:costs_export") + "?format=csv"
    assert client_for(rep).get(url).status_code == 403
    rep.user_permissions.add(Permission.objects.get(codename="export_data"))
    response = client_for(rep).get(url)
    body = b"".join(response.streaming_content).decode()
    assert "2000.00" in body
    assert opportunity.name in body
    from kam.audit.models import ExportLog

    assert ExportLog.objects.get(user=rep).row_count == 1


@pytest.mark.parametrize("n", [1, 3])
def test_list_query_counts(
    n, opportunity, rep, presales_person, manager, django_assert_max_num_queries
):
    for _ in range(n):
        request = PresalesRequestFactory(opportunity=opportunity, status=RequestStatus.DISPATCHED)
        a = PresalesAssignmentFactory(request=request, user=presales_person, assigned_by=manager)
        HoursLogFactory(assignment=a, status=HoursStatus.APPROVED)
    from kam.opportunities.models import OpportunityTeamMember

    OpportunityTeamMember.objects.create(
        opportunity=opportunity, user=presales_person, role="presales"
    )
    rep_client, person_client = client_for(rep), client_for(presales_person)
    with django_assert_max_num_queries(12):
        assert rep_client.get(reverse("presales:panel", args=[opportunity.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert person_client.get(reverse("presales:mine")).status_code == 200
    with django_assert_max_num_queries(12):
        assert rep_client.get(reverse("presales:costs")).status_code == 200


def test_api_flow_and_visibility(opportunity, rep, manager, other_rep, presales_person):
    client = _api(rep)
    base = f"/api/presales/opportunities/{opportunity.pk}/requests"
    body = {
        "kind": "exchange", "description": "技术交流", "needed_from": "2026-11-10",
        "needed_to": "2026-11-10", "estimated_hours": "4",
    }  # fmt: skip
    assert (
        client.post(
            base, {**body, "estimated_hours": 4.0}, content_type="application/json"
        ).status_code
        == 422
    )
    created = client.post(base, {**body, "submit": True}, content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == "pending"
    assert data["estimated_cost"] == "3200.00"
    assert _api(other_rep).get(base).status_code == 404
    assert _api(other_rep).get(f"/api/presales/requests/{data['id']}").status_code == 404
    assert [r["id"] for r in client.get(base).json()["items"]] == [data["id"]]

    from tests.presales.conftest import approve_fully

    approve_fully(approval_for(PresalesRequest.objects.get(pk=data["id"]), "presales_request"))
    version = client.get(f"/api/presales/requests/{data['id']}").json()["version"]
    dispatch_url = f"/api/presales/requests/{data['id']}/dispatch"
    payload = {"version": version, "user_ids": [presales_person.pk]}
    assert client.post(dispatch_url, payload, content_type="application/json").status_code == 403
    dispatched = _api(manager).post(dispatch_url, payload, content_type="application/json")
    assert dispatched.status_code == 200
    assignment_id = dispatched.json()["assignments"][0]["id"]
    stale = _api(manager).post(dispatch_url, payload, content_type="application/json")
    assert stale.status_code == 422
    assert "该记录已被他人修改" in str(stale.json())

    person = _api(presales_person)
    hours_url = f"/api/presales/assignments/{assignment_id}/hours"
    entry = {"date": "2026-11-10", "hours": "3.5", "description": "交流"}
    assert (
        person.post(hours_url, {**entry, "hours": 3.5}, content_type="application/json").status_code
        == 422
    )
    assert (
        person.post(
            hours_url, {**entry, "hours": "3.7"}, content_type="application/json"
        ).status_code
        == 422
    )
    assert client.post(hours_url, entry, content_type="application/json").status_code == 403
    logged = person.post(hours_url, entry, content_type="application/json")
    assert logged.status_code == 201
    assert logged.json()["hours"] == "3.5"
    sent = person.post(f"{hours_url}/submit")
    assert sent.status_code == 201
    costs = client.get("/api/presales/costs").json()
    assert costs["total_logged_hours"] == "3.5"
    assert costs["total_cost"] == "0.00"
    assert _api(other_rep).get("/api/presales/costs").json()["items"] == []
