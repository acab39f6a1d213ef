"""The initiation report (R-OPP-4): filled by the deal's editors, approved through the engine,
and the final approval moves the deal past the gate that asks for "initiation"."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from kam.approvals.enums import ApprovalStatus
from kam.approvals.models import Approval
from kam.approvals.services import approval_approve, approval_reject, approval_return
from kam.core.versioning import STALE_MESSAGE
from kam.notifications.models import Notification
from kam.opportunities.enums import MoveChannel
from kam.opportunities.initiation import (
    initiation_report_for,
    initiation_report_save,
    initiation_submit,
)
from kam.opportunities.models import InitiationReport, InitiationStatus, StageMove
from kam.opportunities.services.opportunities import opportunity_create
from kam.users.services import api_token_create
from tests.conftest import client_for

REPORT = {
    "project_name": "数据中心二期", "project_number": "XM-001", "customer_lead": "王处长",
    "contract_amount": "800000.00", "gross_margin_rate": "32.50", "expense_budget": "20000",
    "project_class": "B", "expected_sign_date": date(2027, 3, 31), "background": "扩容",
}  # fmt: skip


@pytest.fixture
def deal(rep, rep_account, product):
    """A deal in the shipped default process's first stage, with every field its gate needs."""
    return opportunity_create(
        account=rep_account, actor=rep,
        data={"name": "二期扩容", "expected_sign_date": date(2027, 3, 31), "intent_class": "A",
              "project_class": "B"},
        lines=[{"product": product.pk, "quantity": "3"}],
    )  # fmt: skip


def _submitted(deal, rep):
    report = initiation_report_save(opportunity=deal, actor=rep, version=0, data=dict(REPORT))
    approval = initiation_submit(report=report, actor=rep, version=report.version)
    return report, approval


def _approve_all(approval):
    while approval.status == ApprovalStatus.PENDING:
        step = approval.steps.get(status="pending")
        approval_approve(approval=approval, actor=step.approver, version=approval.version)
    return approval


def test_submit_sends_the_approval_with_amount_subject_and_snapshot(deal, rep, manager):
    report, approval = _submitted(deal, rep)
    report.refresh_from_db()
    assert report.status == InitiationStatus.SUBMITTED and report.submitted_by == rep
    assert approval.type_code == "initiation" and approval.opportunity == deal
    assert approval.amount == Decimal("800000.00") and approval.account == deal.account
    assert approval.subject_id == report.pk
    assert approval.payload["contract_amount"] == "800000.00"
    assert approval.payload["expected_sign_date"] == "2027-03-31"
    assert approval.steps.get(status="pending").approver == manager
    with pytest.raises(Exception, match="不能修改"):
        initiation_report_save(opportunity=deal, actor=rep, version=report.version, data=REPORT)


def test_final_approval_moves_the_deal_with_channel_approval(deal, rep, manager, director):
    report, approval = _submitted(deal, rep)
    _approve_all(approval)
    report.refresh_from_db()
    deal.refresh_from_db()
    assert report.status == InitiationStatus.APPROVED
    assert deal.stage.code == "initiate"
    move = StageMove.objects.filter(opportunity=deal).latest("pk")
    assert move.channel == MoveChannel.APPROVAL and move.actor == director
    assert not move.bypassed


def test_large_amounts_go_up_to_the_gm(deal, rep, manager, director, gm):
    report = initiation_report_save(
        opportunity=deal, actor=rep, version=0, data={**REPORT, "contract_amount": "1500000"}
    )
    approval = initiation_submit(report=report, actor=rep, version=report.version)
    assert [s.approver for s in approval.steps.order_by("position")] == [manager, director, gm]
    _approve_all(approval)
    assert StageMove.objects.filter(opportunity=deal).latest("pk").actor == gm


def test_approval_with_other_requirements_missing_keeps_the_stage_and_tells_the_owner(
    rep, rep_account, product, manager, director
):
    deal = opportunity_create(
        account=rep_account, actor=rep, data={"name": "缺项商机"},
        lines=[{"product": product.pk, "quantity": "1"}],
    )  # fmt: skip
    report, approval = _submitted(deal, rep)
    _approve_all(approval)
    report.refresh_from_db()
    deal.refresh_from_db()
    assert approval.status == ApprovalStatus.APPROVED
    assert report.status == InitiationStatus.APPROVED
    assert deal.stage.code == "qualify"
    note = Notification.objects.filter(recipient=rep, title__contains="立项已通过").get()
    assert "预计签约日期" in note.body and "意向分类" in note.body and "项目分类" in note.body


def test_rejected_report_stays_and_the_deal_does_not_move(deal, rep, manager):
    report, approval = _submitted(deal, rep)
    approval_reject(approval=approval, actor=manager, version=approval.version, comment="不立项")
    report.refresh_from_db()
    deal.refresh_from_db()
    assert report.status == InitiationStatus.REJECTED and not report.editable
    assert deal.stage.code == "qualify"
    assert StageMove.objects.filter(opportunity=deal).count() == 1


def test_returned_report_is_editable_and_resubmits_the_same_approval(deal, rep, manager, director):
    report, approval = _submitted(deal, rep)
    approval_return(approval=approval, actor=manager, version=approval.version, comment="补充")
    report = initiation_report_for(deal)
    assert report.status == InitiationStatus.RETURNED and report.editable
    report = initiation_report_save(
        opportunity=deal, actor=rep, version=report.version,
        data={**REPORT, "gross_margin_rate": "35"},
    )  # fmt: skip
    again = initiation_submit(report=report, actor=rep, version=report.version)
    assert again.pk == approval.pk and again.round == 2
    assert again.payload["gross_margin_rate"] == "35.00"
    _approve_all(again)
    deal.refresh_from_db()
    assert deal.stage.code == "initiate"


def test_only_editors_fill_and_submit(deal, rep, colleague, other_rep):
    client = client_for(colleague)
    url = reverse("opportunities:initiation_edit", args=[deal.pk])
    assert client.get(url).status_code in {403, 404}
    assert client_for(other_rep).get(url).status_code == 404
    assert not InitiationReport.objects.exists()


def test_pages_fill_and_submit(deal, rep, manager):
    client = client_for(rep)
    edit = reverse("opportunities:initiation_edit", args=[deal.pk])
    form = client.get(edit)
    assert form.status_code == 200
    assert form.context["form"].initial["project_number"] == deal.number
    data = {**REPORT, "expected_sign_date": "2027-03-31", "version": 0}
    response = client.post(edit, data)
    assert response.status_code == 302
    report = InitiationReport.objects.get(opportunity=deal)
    assert report.contract_amount == Decimal("800000.00") and report.created_by == rep
    bad = client.post(edit, {**data, "version": report.version, "gross_margin_rate": "150"})
    assert bad.status_code == 422 and "gross_margin_rate" in bad.context["form"].errors
    stale = client.post(edit, {**data, "version": report.version + 3})
    assert stale.status_code == 422 and str(STALE_MESSAGE) in stale.content.decode()
    submit = reverse("opportunities:initiation_submit", args=[deal.pk])
    client.post(submit, {"version": report.version})
    report.refresh_from_db()
    assert report.status == InitiationStatus.SUBMITTED
    assert Approval.objects.filter(type_code="initiation", opportunity=deal).count() == 1


def test_panel_is_registered_and_served_to_viewers_only(deal, rep, other_rep):
    from kam.opportunities.panels import panels

    assert "initiation" in [p.key for p in panels()]
    url = reverse("opportunities:initiation_panel", args=[deal.pk])
    response = client_for(rep).get(url)
    assert response.status_code == 200
    assert "立项报告" in response.content.decode() and "<html" not in response.content.decode()
    assert client_for(other_rep).get(url).status_code == 404
    page = client_for(rep).get(reverse("opportunities:initiation", args=[deal.pk]))
    assert page.status_code == 200


# ---- API ---------------------------------------------------------------------------------------


def _api(user):
    _token, key = api_token_create(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_api_get_put_submit(client, deal, rep, manager):
    auth = _api(rep)
    url = f"/api/opportunities/{deal.pk}/initiation"
    initial = client.get(url, **auth).json()
    assert initial["id"] is None and initial["version"] == 0
    assert initial["project_number"] == deal.number and initial["contract_amount"] == "30000.00"
    payload = {**REPORT, "expected_sign_date": "2027-03-31", "version": 0}
    response = client.put(url, payload, content_type="application/json", **auth)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "draft" and body["gross_margin_rate"] == "32.50"
    stale = client.put(url, payload, content_type="application/json", **auth)
    assert stale.status_code == 409
    submit = client.post(
        f"{url}/submit", {"version": body["version"]}, content_type="application/json", **auth
    )
    assert submit.status_code == 200
    assert submit.json()["report"]["status"] == "submitted"
    assert submit.json()["approval_status"] == "pending"


def test_api_refuses_floats_and_other_teams(client, deal, rep, other_rep):
    url = f"/api/opportunities/{deal.pk}/initiation"
    payload = {**REPORT, "expected_sign_date": "2027-03-31", "version": 0}
    response = client.put(
        url, {**payload, "contract_amount": 800000.0}, content_type="application/json",
        **_api(rep),
    )  # fmt: skip
    assert response.status_code == 422
    assert client.get(url, **_api(other_rep)).status_code == 404
    response = client.put(url, payload, content_type="application/json", **_api(other_rep))
    assert response.status_code == 404
    assert not InitiationReport.objects.exists()
