"""The contract and payment-plan-change approval types (R-COL-1, R-COL-2)."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.approvals.enums import ApproverRule
from kam.approvals.registry import ApprovalType, ChainRule, ChangeRow, approval_type_register
from kam.users.enums import Role

if TYPE_CHECKING:
    from kam.approvals.models import Approval
    from kam.users.models import User

# Contracts from one million yuan up also go to the general manager.
GM_FROM = Decimal("1000000")


def _apply_contract(approval: "Approval", actor: "User") -> None:
    from kam.contracts.services.signing import contract_approval_apply

    contract_approval_apply(approval, actor)


def _contract_back(approval: "Approval", actor: "User") -> None:
    from kam.contracts.services.signing import contract_approval_sent_back

    contract_approval_sent_back(approval, actor)


def _apply_plan(approval: "Approval", actor: "User") -> None:
    from kam.contracts.services.signing import payment_plan_change_apply

    payment_plan_change_apply(approval, actor)


def _apply_termination(approval: "Approval", actor: "User") -> None:
    from kam.contracts.services.closing import contract_termination_apply

    contract_termination_apply(approval, actor)


def _describe_termination(approval: "Approval") -> list[ChangeRow]:
    return [ChangeRow(label=_("终止原因"), old="", new=str(approval.payload.get("reason", "")))]


def _describe_plan(approval: "Approval") -> list[ChangeRow]:
    from kam.contracts.enums import MilestoneKind

    rows = [
        ChangeRow(
            label=f"{n}. {MilestoneKind(row['kind']).label}",
            old="",
            new=f"{row['percent']}%" if row.get("percent") else f"{row['amount']}",
        )
        for n, row in enumerate(approval.payload.get("rows", []), start=1)
        if row.get("kind") in MilestoneKind.values
    ]
    if approval.payload.get("reason"):
        rows.append(ChangeRow(label=_("变更原因"), old="", new=str(approval.payload["reason"])))
    return rows


def register() -> None:
    chain = (
        ChainRule(rule=ApproverRule.REQUESTER_MANAGER),
        ChainRule(rule=ApproverRule.ROLE, role=Role.SALES_DIRECTOR),
        ChainRule(rule=ApproverRule.ROLE, role=Role.FINANCE),
        ChainRule(rule=ApproverRule.ROLE, role=Role.GENERAL_MANAGER, min_amount=GM_FROM),
    )
    approval_type_register(
        ApprovalType(
            code="contract", label=gettext_lazy("合同审批"), default_chain=chain,
            apply=_apply_contract, on_rejected=_contract_back, on_sent_back=_contract_back,
            has_amount=True,
        )
    )  # fmt: skip
    approval_type_register(
        ApprovalType(
            code="contract_termination", label=gettext_lazy("合同终止"),
            default_chain=chain[:2], apply=_apply_termination, describe=_describe_termination,
            has_amount=True,
        )
    )  # fmt: skip
    approval_type_register(
        ApprovalType(
            code="payment_plan_change", label=gettext_lazy("回款计划变更"),
            default_chain=chain, apply=_apply_plan, describe=_describe_plan, has_amount=True,
        )
    )  # fmt: skip
