"""The gate checks this app registers, alone and through a stage gate."""

import pytest

from kam.assessments.checks import (
    action_plan_set,
    assessment_completed,
    deal_chain_mapped,
    no_red_flags,
)
from kam.assessments.models import Assessment
from kam.opportunities.gates import gate_checks, gate_missing
from kam.opportunities.models import OpportunityTeamMember
from tests.factories import ActionItemFactory, ContactFactory, DealContactFactory

pytestmark = pytest.mark.django_db


def test_checks_are_registered():
    labels = {check.code: str(check.label) for check in gate_checks()}
    assert labels["assessment_completed"] == "已完成项目评估（四个问题）"
    assert labels["action_plan_set"] == "已制定行动计划"
    assert labels["deal_chain_mapped"] == "已建立项目决策链"
    assert labels["no_red_flags"] == "无决策链红旗"


def test_assessment_completed(opp):
    assert not assessment_completed(opp)
    assessment = Assessment.objects.create(
        opportunity=opp, real_score=4, compete_score=3, win_score=3
    )
    assert not assessment_completed(opp)
    assessment.worth_score = 2
    assessment.save()
    assert assessment_completed(opp)


def test_action_plan_set(opp):
    assert not action_plan_set(opp)
    ActionItemFactory(opportunity=opp)
    assert action_plan_set(opp)


def test_deal_chain_mapped(opp):
    DealContactFactory(opportunity=opp, role_in_deal="user")
    assert not deal_chain_mapped(opp)
    gone = ContactFactory(account=opp.account, status="left")
    DealContactFactory(opportunity=opp, contact=gone, role_in_deal="decision_maker")
    assert not deal_chain_mapped(opp)
    DealContactFactory(opportunity=opp, role_in_deal="decision_maker")
    assert deal_chain_mapped(opp)


def test_no_red_flags(opp):
    assert not no_red_flags(opp)
    DealContactFactory(opportunity=opp, role_in_deal="decision_maker", attitude="supporter")
    ContactFactory(account=opp.account, guide_level=1)
    assert not no_red_flags(opp)  # no delivery manager yet
    OpportunityTeamMember.objects.create(opportunity=opp, user=opp.owner, role="delivery_manager")
    assert no_red_flags(opp)


def test_gate_lists_what_the_assessment_lacks(opp, stages):
    stages["lead"].required_checks = ["assessment_completed", "action_plan_set"]
    stages["lead"].save()
    missing = gate_missing(opp, stages["solution"])
    assert [m.code for m in missing] == ["assessment_completed", "action_plan_set"]
    Assessment.objects.create(
        opportunity=opp, real_score=4, compete_score=3, win_score=3, worth_score=4
    )
    ActionItemFactory(opportunity=opp)
    assert gate_missing(opp, stages["solution"]) == []
