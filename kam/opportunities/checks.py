"""The required actions shipped with the opportunities app; other apps register their own
(assessment, quotes, bids) the same way. Each reads the data — nothing is ticked by hand here."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kam.contacts.enums import ContactStatus, DecisionRole
from kam.contacts.models import Contact
from kam.opportunities.enums import TeamRole
from kam.opportunities.gates import gate_check_register
from kam.opportunities.models import Opportunity


def _people(opportunity: Opportunity) -> QuerySet[Contact]:
    return Contact.objects.filter(account_id=opportunity.account_id).exclude(
        status=ContactStatus.LEFT
    )


@gate_check_register("lines_present", _("已录入产品明细"))
def lines_present(opportunity: Opportunity) -> bool:
    return opportunity.lines.exists()


@gate_check_register("decision_maker_mapped", _("已明确决策者"))
def decision_maker_mapped(opportunity: Opportunity) -> bool:
    return _people(opportunity).filter(decision_role=DecisionRole.DECISION_MAKER).exists()


@gate_check_register("guide_exists", _("已发展向导"))
def guide_exists(opportunity: Opportunity) -> bool:
    return _people(opportunity).filter(guide_level__gte=1).exists()


@gate_check_register("guide_level_2", _("已有 2 级及以上向导"))
def guide_level_2(opportunity: Opportunity) -> bool:
    return _people(opportunity).filter(guide_level__gte=2).exists()


@gate_check_register("competitors_analysed", _("已完成竞争对手分析"))
def competitors_analysed(opportunity: Opportunity) -> bool:
    return opportunity.competitors.exclude(strengths="").exclude(weaknesses="").exists()


@gate_check_register("iron_triangle_formed", _("铁三角已组建（客户经理、方案经理、交付经理）"))
def iron_triangle_formed(opportunity: Opportunity) -> bool:
    roles = set(opportunity.team_members.values_list("role", flat=True))
    return {
        TeamRole.ACCOUNT_MANAGER,
        TeamRole.SOLUTION_MANAGER,
        TeamRole.DELIVERY_MANAGER,
    } <= roles
