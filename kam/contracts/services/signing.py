"""Contract approval (R-COL-1) and changes to a signed plan (R-COL-2), through the one approval
engine: the contract is signed, or its plan replaced, only inside the final approver's
transaction; a rejected or withdrawn contract goes back to draft."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.approvals.enums import ApprovalStatus
from kam.approvals.models import Approval
from kam.approvals.services import approval_submit
from kam.contracts.enums import ContractStatus
from kam.contracts.models import Contract
from kam.contracts.money import plan_difference
from kam.contracts.services.contracts import contract_locked, contract_status_change
from kam.contracts.services.plans import (
    milestone_due_dates_refresh,
    plan_rows_clean,
)
from kam.contracts.services.replan import plan_change_check, plan_change_write
from kam.core.versioning import save_bumped
from kam.users.models import User

CONTRACT_APPROVAL = "contract"
PLAN_CHANGE_APPROVAL = "payment_plan_change"


@transaction.atomic
def contract_submit(
    *, contract: Contract, actor: User, version: int, signed_on: date | None = None
) -> Approval:
    """Send a draft for approval; it needs a plan that sums to the contract amount."""
    locked = contract_locked(contract, actor, version)
    if locked.status != ContractStatus.DRAFT:
        raise ValidationError(_("只有草稿状态的合同可以提交审批。"))
    amounts = [m.amount for m in locked.milestones.all()]
    if not amounts:
        raise ValidationError({"milestones": [_("请先制定回款计划。")]})
    difference = plan_difference(locked.amount, amounts)
    if difference != 0:
        message = _("回款计划与合同金额相差 %(diff)s 元。") % {"diff": f"{difference:,}"}
        raise ValidationError({"milestones": [message]})
    if signed_on is not None and signed_on > timezone.localdate():
        raise ValidationError({"signed_on": [_("签订日期不能晚于今天。")]})
    contract_status_change(locked, actor, status=ContractStatus.IN_APPROVAL)
    return approval_submit(
        type_code=CONTRACT_APPROVAL, requester=actor,
        title=_("合同审批：%(name)s") % {"name": locked.name}, subject=locked,
        account=locked.account, opportunity=locked.opportunity, amount=locked.amount,
        payload={"signed_on": signed_on.isoformat() if signed_on else ""},
    )  # fmt: skip


def _contract_of(approval: Approval) -> Contract:
    return Contract.objects.select_for_update().get(pk=approval.subject_id or 0)


def contract_approval_apply(approval: Approval, actor: User) -> None:
    contract = _contract_of(approval)
    if contract.status != ContractStatus.IN_APPROVAL:
        return
    signed_on = approval.payload.get("signed_on") or ""
    contract_status_change(
        contract, actor, status=ContractStatus.SIGNED,
        signed_on=date.fromisoformat(signed_on) if signed_on else timezone.localdate(),
    )  # fmt: skip
    milestone_due_dates_refresh(contract)


def contract_approval_sent_back(approval: Approval, actor: User) -> None:
    contract = _contract_of(approval)
    if contract.status != ContractStatus.IN_APPROVAL:
        return
    contract_status_change(contract, actor, status=ContractStatus.DRAFT)


def _rows_payload(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """JSON-safe rows: money and percentages as strings, dates as ISO text."""
    safe = []
    for row in rows:
        item = {}
        for key, value in row.items():
            if isinstance(value, Decimal | date):
                item[key] = value.isoformat() if isinstance(value, date) else str(value)
            else:
                item[key] = value
        safe.append(item)
    return safe


@transaction.atomic
def payment_plan_change_request(
    *, contract: Contract, actor: User, version: int, rows: list[dict[str, Any]], reason: str
) -> Approval:
    """Ask to replace a signed contract's plan; the new plan must already sum exactly."""
    locked = contract_locked(contract, actor, version)
    if locked.status not in (ContractStatus.SIGNED, ContractStatus.EXECUTING):
        raise ValidationError(_("草稿合同可直接修改回款计划，无需审批。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请说明变更原因。")]})
    pending = Approval.objects.filter(
        type_code=PLAN_CHANGE_APPROVAL, subject_id=locked.pk, status=ApprovalStatus.PENDING
    )
    if pending.exists():
        raise ValidationError(_("该合同已有一项回款计划变更在审批中。"))
    plan_change_check(locked, plan_rows_clean(locked, rows))
    return approval_submit(
        type_code=PLAN_CHANGE_APPROVAL, requester=actor,
        title=_("回款计划变更：%(name)s") % {"name": locked.name}, subject=locked,
        account=locked.account, opportunity=locked.opportunity, amount=locked.amount,
        payload={"rows": _rows_payload(rows), "reason": reason.strip()},
    )  # fmt: skip


def payment_plan_change_apply(approval: Approval, actor: User) -> None:
    contract = _contract_of(approval)
    milestones = plan_rows_clean(contract, list(approval.payload.get("rows", [])))
    plan_change_write(contract, milestones)
    save_bumped(contract, [])
