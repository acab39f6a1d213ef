"""The approval types this release knows, with sensible default chains and no `apply`.

Owning apps re-register their types with an `apply` (and may do so before this module runs:
a type registered already is left alone, so an app listed earlier keeps its own version).
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from kam.approvals.enums import ApproverRule
from kam.approvals.registry import (
    ApprovalType,
    ChainRule,
    StrOrPromise,
    approval_type_register,
    approval_type_registered,
)
from kam.users.enums import Role

# Large deals go up to the GM.
GM_THRESHOLD = Decimal("1000000")

MANAGER = ChainRule(rule=ApproverRule.REQUESTER_MANAGER)
DIRECTOR = ChainRule(rule=ApproverRule.ROLE, role=Role.SALES_DIRECTOR)
GM_FOR_LARGE = ChainRule(rule=ApproverRule.ROLE, role=Role.GENERAL_MANAGER, min_amount=GM_THRESHOLD)

STANDARD_CHAIN = (MANAGER, DIRECTOR)
AMOUNT_CHAIN = (MANAGER, DIRECTOR, GM_FOR_LARGE)
MANAGER_ONLY = (MANAGER,)

CATALOGUE: list[tuple[str, StrOrPromise, tuple[ChainRule, ...], bool]] = [
    ("opportunity_create_override", _("商机创建特批"), STANDARD_CHAIN, False),
    ("initiation", _("立项审批"), AMOUNT_CHAIN, True),
    ("presales_request", _("售前资源申请"), AMOUNT_CHAIN, True),
    ("presales_hours", _("售前工时确认"), MANAGER_ONLY, False),
    ("upgrade", _("商机升级"), STANDARD_CHAIN, False),
    ("partner_registration", _("E类报备"), STANDARD_CHAIN, False),
    ("guidance_plan", _("技术引导计划"), MANAGER_ONLY, False),
    ("pr_plan", _("商务公关计划"), STANDARD_CHAIN, False),
    ("presales_test", _("售前测试"), STANDARD_CHAIN, False),
    ("solution_review", _("技术方案评审"), STANDARD_CHAIN, False),
    ("commercial_review", _("商务评审"), STANDARD_CHAIN, False),
    ("bid", _("投标审批"), AMOUNT_CHAIN, True),
    ("bid_documents", _("投标文件申请"), MANAGER_ONLY, False),
    ("sow_review", _("工作范围评估"), STANDARD_CHAIN, False),
    ("discount", _("折扣审批"), AMOUNT_CHAIN, True),
    ("account_core_change", _("客户核心信息修改"), STANDARD_CHAIN, False),
]


def register_catalogue() -> None:
    for code, label, chain, has_amount in CATALOGUE:
        if not approval_type_registered(code):
            approval_type_register(
                ApprovalType(code=code, label=label, default_chain=chain, has_amount=has_amount)
            )
