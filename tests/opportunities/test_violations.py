"""The gate-violations report (SPEC R-OPP-3)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from kam.opportunities.services.moves import opportunity_move
from kam.opportunities.services.opportunities import opportunity_create
from tests.conftest import client_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
REPORT = reverse("opportunities:violations")


@pytest.fixture
def bypasses(admin_user, rep, other_rep, rep_account, gated_process):
    process, stages = gated_process
    deals = [
        opportunity_create(account=rep_account, actor=rep, process=process, data={"name": "甲"}),
        opportunity_create(account=rep_account, actor=rep, process=process, data={"name": "乙"}),
        opportunity_create(account=AccountFactory(owner=other_rep), actor=other_rep,
                           process=process, data={"name": "丙"}),
    ]  # fmt: skip
    for deal in deals:
        opportunity_move(opportunity=deal, to_stage=stages["solution"], actor=admin_user,
                         version=deal.version, bypass_reason="先推进")  # fmt: skip
    opportunity_move(opportunity=deals[0], to_stage=stages["bid"], actor=admin_user,
                     version=deals[0].version, bypass_reason="再推进")  # fmt: skip
    return deals


def test_manager_sees_own_teams_violations_grouped(manager, bypasses):
    response = client_for(manager).get(REPORT)
    assert response.status_code == 200
    assert [(r.label, r.count) for r in response.context["by_owner"]] == [("李销售", 3)]
    assert [(r.label, r.count) for r in response.context["by_stage"]] == [("线索", 2), ("方案", 1)]
    moves = response.context["moves"]
    assert {m.opportunity.name for m in moves} == {"甲", "乙"}
    html = response.content.decode()
    assert "丙" not in html and "<strong>线索</strong>：预计签约日期" in html


def test_gm_sees_every_violation(gm, bypasses):
    response = client_for(gm).get(REPORT)
    assert {(r.label, r.count) for r in response.context["by_owner"]} == {("李销售", 3),
                                                                         ("郑销售", 1)}  # fmt: skip


def test_reps_are_refused(rep, bypasses):
    assert client_for(rep).get(REPORT).status_code == 403
    assert client_for(rep).get(reverse("opportunities:violations_export")).status_code == 403


def test_date_filter(gm, bypasses):
    response = client_for(gm).get(REPORT + "?date_from=2000-01-01&date_to=2000-12-31")
    assert list(response.context["moves"]) == [] and response.context["by_owner"] == []


def test_export_follows_visibility(other_manager, bypasses):
    other_manager.user_permissions.add(Permission.objects.get(codename="export_data"))
    response = client_for(other_manager).get(reverse("opportunities:violations_export") +
                                             "?format=csv")  # fmt: skip
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "丙" in text and "甲" not in text and "方案：已明确决策者" not in text
