"""The account core-information change as an approval type (R-ACC-5): what it applies when
approved and how its page shows the change."""

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.accounts.enums import CoreField
from kam.approvals.enums import ApproverRule
from kam.approvals.registry import ApprovalType, ChainRule, ChangeRow, approval_type_register
from kam.users.enums import Role

if TYPE_CHECKING:
    from kam.approvals.models import Approval
    from kam.users.models import User


def _apply(approval: "Approval", actor: "User") -> None:
    from kam.accounts.models import Account
    from kam.accounts.services import account_core_change_apply

    account = Account.objects.get(pk=approval.subject_id or approval.account_id or 0)
    account_core_change_apply(
        account=account, changes=dict(approval.payload.get("changes", {})), actor=actor
    )


def _describe(approval: "Approval") -> list[ChangeRow]:
    display = approval.payload.get("display", {})
    rows = [
        ChangeRow(label=str(CoreField(field).label), old=str(old), new=str(new))
        for field, (old, new) in display.items()
        if field in CoreField.values
    ]
    if approval.payload.get("reason"):
        rows.append(ChangeRow(label=_("修改原因"), old="", new=str(approval.payload["reason"])))
    return rows


def register() -> None:
    approval_type_register(
        ApprovalType(
            code="account_core_change",
            label=gettext_lazy("客户核心信息修改"),
            default_chain=(
                ChainRule(rule=ApproverRule.REQUESTER_MANAGER),
                ChainRule(rule=ApproverRule.ROLE, role=Role.SALES_DIRECTOR),
            ),
            apply=_apply,
            describe=_describe,
        )
    )
