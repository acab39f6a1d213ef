"""Gate checks this app provides to the stage gates (`kam.opportunities.gates`). Each reads the
data; "assessment_completed" is referenced by the shipped gates (migration 0004)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kam.assessments.models import ActionItem, Assessment, DealContact
from kam.assessments.risk import deal_risks
from kam.contacts.enums import ContactStatus, DecisionRole
from kam.opportunities.gates import gate_check_register
from kam.opportunities.models import Opportunity


@gate_check_register("assessment_completed", _("已完成项目评估（四个问题）"))
def assessment_completed(opportunity: Opportunity) -> bool:
    return Assessment.objects.filter(
        Q(opportunity=opportunity)
        & Q(real_score__isnull=False)
        & Q(compete_score__isnull=False)
        & Q(win_score__isnull=False)
        & Q(worth_score__isnull=False)
    ).exists()


@gate_check_register("action_plan_set", _("已制定行动计划"))
def action_plan_set(opportunity: Opportunity) -> bool:
    return ActionItem.objects.filter(opportunity=opportunity).exists()


@gate_check_register("deal_chain_mapped", _("已建立项目决策链"))
def deal_chain_mapped(opportunity: Opportunity) -> bool:
    return (
        DealContact.objects.filter(
            opportunity=opportunity, role_in_deal=DecisionRole.DECISION_MAKER
        )
        .exclude(contact__status=ContactStatus.LEFT)
        .exists()
    )


@gate_check_register("no_red_flags", _("无决策链红旗"))
def no_red_flags(opportunity: Opportunity) -> bool:
    risk = deal_risks([opportunity.pk]).get(opportunity.pk)
    return risk is not None and not risk.flags
