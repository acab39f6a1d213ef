"""The end of a contract's life (R-COL-1): completed once every milestone is paid, or terminated
early through an approval (manager, then director), since walking away from a signed contract is
a decision the line makes, not the rep alone."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.approvals.enums import ApprovalStatus
from kam.approvals.models import Approval
from kam.approvals.services import approval_submit
from kam.billing.selectors import milestone_money_map
from kam.contracts.enums import ContractStatus
from kam.contracts.models import Contract
from kam.contracts.services.contracts import contract_locked, contract_status_change
from kam.users.models import User

TERMINATION_APPROVAL = "contract_termination"
RUNNING = (ContractStatus.SIGNED, ContractStatus.EXECUTING)
REASON_MAX = 500


@transaction.atomic
def contract_complete(*, contract: Contract, actor: User, version: int) -> Contract:
    """Close a contract whose every milestone is received in full."""
    locked = contract_locked(contract, actor, version)
    if locked.status not in RUNNING:
        raise ValidationError(_("只有已签订或执行中的合同可以标记完成。"))
    milestones = list(locked.milestones.order_by("position"))
    money = milestone_money_map([m.pk for m in milestones], timezone.localdate())
    owed = [
        _("%(milestone)s 还欠 %(amount)s 元")
        % {"milestone": m, "amount": f"{money[m.pk].outstanding:,}"}
        for m in milestones
        if money[m.pk].outstanding > 0
    ]
    if owed:
        raise ValidationError(_("回款尚未结清：%(owed)s。") % {"owed": "；".join(owed)})
    contract_status_change(locked, actor, status=ContractStatus.COMPLETED)
    contract.status, contract.version = locked.status, locked.version
    return locked


@transaction.atomic
def contract_termination_request(
    *, contract: Contract, actor: User, version: int, reason: str
) -> Approval:
    locked = contract_locked(contract, actor, version)
    if locked.status not in RUNNING:
        raise ValidationError(_("只有已签订或执行中的合同可以申请终止。"))
    clean = (reason or "").strip()
    if not clean:
        raise ValidationError({"reason": [_("请说明终止原因。")]})
    if len(clean) > REASON_MAX:
        raise ValidationError({"reason": [_("终止原因不能超过 500 个字。")]})
    if Approval.objects.filter(
        type_code=TERMINATION_APPROVAL, subject_id=locked.pk, status=ApprovalStatus.PENDING
    ).exists():
        raise ValidationError(_("该合同的终止申请已在审批中。"))
    return approval_submit(
        type_code=TERMINATION_APPROVAL, requester=actor,
        title=_("合同终止：%(name)s") % {"name": locked.name}, subject=locked,
        account=locked.account, opportunity=locked.opportunity, amount=locked.amount,
        payload={"reason": clean},
    )  # fmt: skip


def contract_termination_apply(approval: Approval, actor: User) -> None:
    """Inside the final approver's transaction. Money already invoiced or received stays on the
    milestones (billing accepts it on a terminated contract); the battle map stops showing it."""
    contract = Contract.objects.select_for_update().get(pk=approval.subject_id or 0)
    if contract.status in RUNNING:
        contract_status_change(contract, actor, status=ContractStatus.TERMINATED)
