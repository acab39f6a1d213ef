"""The opportunity page: header, sections, the gate checklist and the stage move (R-OPP-2/3/6)."""

import re
from datetime import date

import pytest
from django.urls import reverse

from kam.contacts.enums import DecisionRole
from kam.opportunities.enums import TeamRole
from kam.opportunities.models import (
    AttestationRecord,
    Competitor,
    Opportunity,
    OpportunityTeamMember,
    StageAttestation,
    StageMove,
)
from kam.opportunities.services.opportunities import opportunity_create
from tests.conftest import client_for
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"|\son[a-z]+=\"", re.I)


@pytest.fixture
def deal(rep, rep_account, gated_process, product):
    process, _stages = gated_process
    return opportunity_create(
        account=rep_account, actor=rep, process=process, data={"name": "数据中心项目"},
        lines=[{"product": product.pk, "quantity": "2"}],
    )  # fmt: skip


def url(name, deal, *args):
    return reverse(f"opportunities:{name}", args=[deal.pk, *args])


def _move(client, deal, stage, **extra):
    deal.refresh_from_db()
    return client.post(url("move", deal), {"version": deal.version, "to_stage": stage.pk, **extra})


def test_detail_for_owner_shows_header_and_sections(rep, deal, gated_process):
    _process, stages = gated_process
    response = client_for(rep).get(url("detail", deal))
    html = response.content.decode()
    assert response.status_code == 200
    assert deal.number in html and "数据中心项目" in html and "20000.00" in html
    assert response.context["can_edit"] is True
    assert [s.code for s in response.context["open_stages"]] == [
        "lead", "solution", "bid", "negotiate"
    ]  # fmt: skip
    assert 'aria-current="step">线索' in html
    assert response.context["next_stage"] == stages["solution"]
    assert [(i.kind, i.code, i.done) for i in response.context["gate_items"]] == [
        ("field", "expected_sign_date", False)
    ]
    assert "bypass_reason" not in response.context["move_form"].fields
    assert response.context["missing_roles"] == ["方案经理", "交付经理"]
    assert not INLINE_SCRIPT.search(html) and not INLINE_STYLE.search(html)


def test_visibility_of_the_detail_page(colleague, other_rep, manager, gm, director, deal):
    for user in (colleague, other_rep):
        client = client_for(user)
        assert client.get(url("detail", deal)).status_code == 404
        assert client.get(url("edit", deal)).status_code == 404
        assert _move(client, deal, deal.stage).status_code == 404
    for user in (manager, gm, director):
        response = client_for(user).get(url("detail", deal))
        assert response.status_code == 200 and response.context["can_edit"] is True


def test_team_member_sees_read_only(colleague, rep, deal):
    OpportunityTeamMember.objects.create(
        opportunity=deal, user=colleague, role=TeamRole.SOLUTION_MANAGER
    )
    response = client_for(colleague).get(url("detail", deal))
    assert response.status_code == 200
    assert response.context["can_edit"] is False and response.context["move_form"] is None
    assert response.context["can_contribute"] is True
    assert client_for(colleague).get(url("edit", deal)).status_code == 403


def test_gate_refusal_is_rendered_with_the_exact_list(rep, deal, gated_process):
    _process, stages = gated_process
    response = _move(client_for(rep), deal, stages["solution"])
    assert response.status_code == 422
    assert [(m.kind, m.code, m.stage) for m in response.context["refused"]] == [
        ("field", "expected_sign_date", "线索")
    ]
    assert "<strong>线索</strong>：预计签约日期" in response.content.decode()
    deal.refresh_from_db()
    assert deal.stage == stages["lead"]


def test_jump_lists_the_items_of_every_stage_on_the_way(rep, deal, gated_process):
    _process, stages = gated_process
    stages["bid"].required_fields = ["customer_lead"]
    stages["bid"].save()
    response = _move(client_for(rep), deal, stages["negotiate"])
    assert response.status_code == 422
    assert [(m.code, m.stage) for m in response.context["refused"]] == [
        ("expected_sign_date", "线索"),
        ("decision_maker_mapped", "方案"),
        ("customer_lead", "投标"),
    ]
    html = response.content.decode()
    listed = html[html.index('data-testid="missing-list"') :]
    assert (
        listed.index("预计签约日期") < listed.index("已明确决策者") < listed.index("客户方牵头人")
    )
    assert StageMove.objects.filter(opportunity=deal).count() == 1


def test_move_when_gates_are_met(rep, rep_account, deal, gated_process):
    _process, stages = gated_process
    Opportunity.objects.filter(pk=deal.pk).update(expected_sign_date=date(2027, 1, 1))
    ContactFactory(account=rep_account, decision_role=DecisionRole.DECISION_MAKER)
    response = _move(client_for(rep), deal, stages["bid"])
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.stage == stages["bid"] and deal.probability == 70
    detail = client_for(rep).get(url("detail", deal))
    newest = detail.context["stage_moves"][0]
    assert (newest.from_stage, newest.to_stage) == (stages["lead"], stages["bid"])


def test_stale_move_shows_the_conflict(rep, deal, gated_process):
    _process, stages = gated_process
    response = client_for(rep).post(
        url("move", deal), {"version": deal.version - 1 if deal.version else 99,
                            "to_stage": stages["lost"].pk, "close_reason": "price"}
    )  # fmt: skip
    assert response.status_code == 422
    assert "该记录已被他人修改，请刷新后重试。" in response.content.decode()


def test_closing_needs_a_reason_and_makes_the_deal_read_only(rep, admin_user, deal, gated_process):
    _process, stages = gated_process
    client = client_for(rep)
    response = _move(client, deal, stages["lost"])
    assert response.status_code == 422 and "close_reason" in response.context["move_form"].errors
    assert (
        _move(client, deal, stages["lost"], close_reason="price", close_note="太贵").status_code
        == 302
    )
    deal.refresh_from_db()
    assert deal.is_closed and deal.close_note == "太贵"
    page = client.get(url("detail", deal))
    assert page.context["move_form"] is None and page.context["can_edit"] is False
    assert client.get(url("edit", deal)).status_code == 302
    assert _move(client, deal, stages["lead"]).status_code == 403
    # An administrator reopens with a backward move.
    admin_page = client_for(admin_user).get(url("detail", deal))
    targets = list(admin_page.context["move_form"].fields["to_stage"].queryset)
    assert stages["lost"] not in targets and stages["won"] not in targets
    assert _move(client_for(admin_user), deal, stages["lead"]).status_code == 302
    deal.refresh_from_db()
    assert not deal.is_closed


def test_admin_sees_the_bypass_field_and_the_bypass_is_recorded(admin_user, deal, gated_process):
    _process, stages = gated_process
    client = client_for(admin_user)
    page = client.get(url("detail", deal))
    assert "bypass_reason" in page.context["move_form"].fields
    assert 'data-testid="bypass-field"' in page.content.decode()
    response = _move(client, deal, stages["bid"], bypass_reason="客户急需，先行推进")
    assert response.status_code == 302
    move = StageMove.objects.get(opportunity=deal, bypassed=True)
    assert move.bypass_reason == "客户急需，先行推进" and move.actor == admin_user
    assert [item["code"] for item in move.missing] == [
        "expected_sign_date",
        "decision_maker_mapped",
    ]
    assert 'data-testid="bypass-flag"' in client.get(url("detail", deal)).content.decode()


def test_rep_cannot_bypass(rep, deal, gated_process):
    _process, stages = gated_process
    response = _move(client_for(rep), deal, stages["bid"], bypass_reason="想跳过")
    assert response.status_code == 422  # the field is not offered: refused by the gate
    assert not StageMove.objects.filter(bypassed=True).exists()


def test_attestation_tick_by_the_role_holder(rep, colleague, deal, gated_process):
    _process, stages = gated_process
    attestation = StageAttestation.objects.create(
        stage=stages["lead"], label_zh="方案已评审", role=TeamRole.SOLUTION_MANAGER
    )
    OpportunityTeamMember.objects.create(
        opportunity=deal, user=colleague, role=TeamRole.SOLUTION_MANAGER
    )
    owner_page = client_for(rep).get(url("detail", deal))
    item = next(i for i in owner_page.context["gate_items"] if i.kind == "attestation")
    assert item.done is False and item.can_attest is False
    assert client_for(rep).post(url("attest", deal, attestation.pk)).status_code == 403
    colleague_page = client_for(colleague).get(url("detail", deal))
    item = next(i for i in colleague_page.context["gate_items"] if i.kind == "attestation")
    assert item.can_attest is True
    assert client_for(colleague).post(url("attest", deal, attestation.pk)).status_code == 302
    record = AttestationRecord.objects.get(opportunity=deal, attestation=attestation)
    assert record.attested_by == colleague
    page = client_for(rep).get(url("detail", deal))
    item = next(i for i in page.context["gate_items"] if i.kind == "attestation")
    assert item.done is True


def test_competitors_inline(rep, other_rep, deal):
    client = client_for(rep)
    hx = {"HTTP_HX_REQUEST": "true"}
    response = client.post(
        url("competitor_create", deal), {"name": "华为", "strengths": "品牌"}, **hx
    )
    assert response.status_code == 200 and "华为" in response.content.decode()
    competitor = Competitor.objects.get(opportunity=deal)
    response = client.get(url("competitor_edit", deal, competitor.pk), **hx)
    assert 'value="华为"' in response.content.decode()
    response = client.post(url("competitor_edit", deal, competitor.pk),
                           {"name": "华为技术", "weaknesses": "价格高"}, **hx)  # fmt: skip
    competitor.refresh_from_db()
    assert competitor.name == "华为技术" and competitor.weaknesses == "价格高"
    response = client.post(url("competitor_create", deal), {"name": ""}, **hx)
    assert "competitor_form" in response.context and response.context["competitor_form"].errors
    assert (
        client_for(other_rep).post(url("competitor_delete", deal, competitor.pk)).status_code == 404
    )
    client.post(url("competitor_delete", deal, competitor.pk), **hx)
    assert not Competitor.objects.exists()


def test_team_add_and_remove(rep, manager, colleague, solution_manager, deal):
    client = client_for(manager)
    data = {"user": solution_manager.pk, "role": TeamRole.SOLUTION_MANAGER}
    response = client.post(url("member_add", deal), data)
    assert response.status_code == 302
    member = OpportunityTeamMember.objects.get(opportunity=deal, user=solution_manager)
    page = client.get(url("detail", deal))
    assert page.context["missing_roles"] == ["交付经理"]
    OpportunityTeamMember.objects.create(opportunity=deal, user=colleague, role=TeamRole.PRESALES)
    assert client_for(colleague).post(url("member_remove", deal, member.pk)).status_code == 403
    client.post(url("member_remove", deal, member.pk))
    assert not OpportunityTeamMember.objects.filter(pk=member.pk).exists()


def test_account_page_lists_its_opportunities(rep, other_rep, deal):
    response = client_for(rep).get(reverse("accounts:detail", args=[deal.account_id]))
    html = response.content.decode()
    assert "数据中心项目" in html and 'data-testid="create-opportunity"' in html


def test_registered_panels_are_loaded_by_htmx(rep, deal):
    from kam.opportunities import panels

    panels.panel_register(panels.Panel("test_panel", "测试面板", "opportunities:competitors", 1))
    try:
        html = client_for(rep).get(url("detail", deal)).content.decode()
    finally:
        panels._PANELS.pop("test_panel")
    assert f'hx-get="{url("competitors", deal)}" hx-trigger="load"' in html


def test_list_and_forms_have_no_inline_script_or_style(rep, deal, product):
    client = client_for(rep)
    for page in [
        reverse("opportunities:list"),
        reverse("opportunities:create") + f"?account={deal.account_id}",
        url("edit", deal),
        url("detail", deal),
    ]:
        html = client.get(page).content.decode()
        assert not INLINE_SCRIPT.search(html), page
        assert not INLINE_STYLE.search(html), page
