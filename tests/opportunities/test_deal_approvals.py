"""Approvals about the deal itself: an upgrade and an E-class registration change the deal only
on final approval; plans are put forward by anyone on the deal's team; gates may require them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kam.approvals.enums import ApprovalStatus
from kam.approvals.models import Approval
from kam.approvals.services import approval_approve, approval_reject
from kam.opportunities.deal_approvals import deal_approval_request
from kam.opportunities.enums import TeamRole
from kam.opportunities.gates import stage_gate_missing
from kam.opportunities.services.opportunities import opportunity_create, opportunity_team_add
from tests.conftest import client_for


@pytest.fixture
def deal(rep, rep_account, gated_process, product):
    process, _stages = gated_process
    return opportunity_create(
        account=rep_account, actor=rep, process=process,
        data={"name": "智慧园区", "project_class": "C", "intent_class": "B"},
        lines=[{"product": product.pk, "quantity": "1"}],
    )  # fmt: skip


def _approve_all(approval: Approval) -> None:
    while True:
        approval.refresh_from_db()
        if approval.status != ApprovalStatus.PENDING:
            return
        step = approval.steps.get(status="pending")
        approval_approve(approval=approval, actor=step.approver, version=approval.version)


def test_upgrade_applies_only_on_final_approval(deal, rep, manager, director):
    approval = deal_approval_request(
        opportunity=deal, actor=rep, type_code="upgrade", content="客户追加二期预算",
        changes={"project_class": "A", "intent_class": "A"},
    )  # fmt: skip
    approval_approve(approval=approval, actor=manager, version=approval.version)
    deal.refresh_from_db()
    assert (deal.project_class, deal.intent_class) == ("C", "B")  # the director has not agreed

    _approve_all(approval)

    deal.refresh_from_db()
    assert (deal.project_class, deal.intent_class) == ("A", "A")


def test_rejected_registration_changes_nothing(deal, rep, manager):
    approval = deal_approval_request(
        opportunity=deal, actor=rep, type_code="partner_registration", content="伙伴先行报备",
        changes={"partner_name": "西安华信"},
    )  # fmt: skip
    approval_reject(approval=approval, actor=manager, version=approval.version, comment="重复报备")
    deal.refresh_from_db()
    assert (deal.project_class, deal.partner_name) == ("C", "")


def test_registration_makes_the_deal_e_class(deal, rep):
    approval = deal_approval_request(
        opportunity=deal, actor=rep, type_code="partner_registration", content="伙伴先行报备",
        changes={"partner_name": "西安华信"},
    )  # fmt: skip
    _approve_all(approval)
    deal.refresh_from_db()
    assert (deal.project_class, deal.partner_name) == ("E", "西安华信")


@pytest.mark.parametrize(
    ("type_code", "changes", "field"),
    [
        ("upgrade", {}, "project_class"),
        ("upgrade", {"project_class": "C"}, "project_class"),  # no change at all
        ("partner_registration", {"partner_name": " "}, "partner_name"),
        ("no_such_type", {}, "type_code"),
    ],
)
def test_bad_requests_name_the_field_and_create_nothing(deal, rep, type_code, changes, field):
    with pytest.raises(ValidationError) as error:
        deal_approval_request(
            opportunity=deal, actor=rep, type_code=type_code, content="理由", changes=changes
        )
    assert field in error.value.message_dict
    assert not Approval.objects.exists()


def test_team_members_put_forward_plans_but_not_upgrades(deal, rep, solution_manager):
    opportunity_team_add(
        opportunity=deal, actor=rep, user=solution_manager, role=TeamRole.SOLUTION_MANAGER
    )
    plan = deal_approval_request(
        opportunity=deal, actor=solution_manager, type_code="guidance_plan",
        content="三次技术交流：架构、POC 方案、运维体系",
    )  # fmt: skip
    assert plan.status == ApprovalStatus.PENDING
    with pytest.raises(PermissionDenied):
        deal_approval_request(
            opportunity=deal, actor=solution_manager, type_code="upgrade", content="升级",
            changes={"project_class": "A"},
        )  # fmt: skip


def test_a_gate_can_require_a_plan(deal, rep, gated_process):
    _process, stages = gated_process
    lead = stages["lead"]
    lead.required_approvals = ["sow_review"]
    lead.save()
    assert [m.code for m in stage_gate_missing(deal, lead)] == ["expected_sign_date", "sow_review"]
    _approve_all(
        deal_approval_request(opportunity=deal, actor=rep, type_code="sow_review", content="范围")
    )
    assert [m.code for m in stage_gate_missing(deal, lead)] == ["expected_sign_date"]


def test_panel_and_request_page(deal, rep, other_rep):
    panel = reverse("opportunities:approvals_panel", args=[deal.pk])
    request_url = reverse("opportunities:approval_request", args=[deal.pk])
    assert client_for(other_rep).get(panel).status_code == 404
    assert client_for(other_rep).post(request_url, {}).status_code == 404
    client = client_for(rep)
    response = client.post(
        request_url, {"type_code": "pr_plan", "content": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    response = client.post(
        request_url, {"type_code": "pr_plan", "content": "高层拜访与样板参观"},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert response.status_code == 200
    assert 'data-testid="deal-approval-submitted"' in response.content.decode()
    assert "商务公关计划" in client.get(panel).content.decode()


def test_api_requests_and_lists_the_deals_approvals(deal, rep, other_rep):
    from kam.users.services import api_token_create

    _token, key = api_token_create(user=rep, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    client = client_for(rep)
    url = f"/api/opportunities/{deal.pk}/approvals"
    response = client.post(
        url, {"type_code": "upgrade", "content": "追加预算", "project_class": "A"},
        content_type="application/json", **auth,
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["type_label"] == "商机升级"
    floats = client.post(
        url, {"type_code": "pr_plan", "content": "x", "amount": 1.5},
        content_type="application/json", **auth,
    )  # fmt: skip
    assert floats.status_code == 422
    assert [a["type_code"] for a in client.get(url, **auth).json()] == ["upgrade"]
    _token, other_key = api_token_create(user=other_rep, name="t")
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {other_key}").status_code == 404
