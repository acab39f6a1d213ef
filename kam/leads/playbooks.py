"""Scenario playbooks (SPEC R-LEAD-4): how leads are won differs by how the customer buys, so
the detail page suggests next actions for the lead's purchase scenario."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kam.accounts.enums import PurchaseScenario

PLAYBOOKS: dict[str, list[Promise]] = {
    PurchaseScenario.CONTINUOUS: [
        _("通过关键人引荐，争取进入客户的供应商名录"),
        _("参加客户所在行业的会议与展会，结识采购与技术负责人"),
        _("了解客户的年度采购计划和入围评审时间"),
        _("准备资质、案例与服务承诺，满足入围要求"),
    ],
    PurchaseScenario.OCCASIONAL: [
        _("沿客户的产业链结盟上下游伙伴，尽早获得项目信息"),
        _("持续经营品牌与口碑，让客户在有需求时首先想到我们"),
        _("关注招标公告与立项信息，提前介入需求形成"),
        _("建立与设计院、咨询方的联系，影响方案规划"),
    ],
}


def playbook_for(scenario: str) -> list[Promise]:
    return PLAYBOOKS.get(scenario, [])
