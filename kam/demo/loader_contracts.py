"""Demo contracts (R-COL-1/2) for the demo's won deals, at every stage of their life: a draft
with its plan, one waiting for approval, signed ones, and executing ones whose delivery and
acceptance are recorded — all made through the real services and the approval engine."""

from datetime import date, timedelta

from kam.accounts.enums import AccountStatus
from kam.accounts.models import Account
from kam.approvals.enums import ApprovalStatus
from kam.approvals.models import Approval
from kam.approvals.services import approval_approve
from kam.contracts.models import Contract
from kam.contracts.services.closing import contract_termination_request
from kam.contracts.services.contracts import (
    contract_create,
    contract_create_from_opportunity,
    contract_record_acceptance,
    contract_record_delivery,
)
from kam.contracts.services.plans import payment_plan_replace, payment_plan_template_rows
from kam.contracts.services.signing import contract_submit
from kam.opportunities.enums import StageKind
from kam.opportunities.models import Opportunity

# Stage reached by the n-th won deal's contract, in turn.
LIFECYCLE = ("draft", "in_approval", "signed", "delivered", "accepted")
TEMPLATES = ("30/40/25/5", "30/60/10", "30/40/25/5", "100", "30/40/25/5")


def _approve_all(approval: Approval) -> None:
    while True:
        approval.refresh_from_db()
        if approval.status != ApprovalStatus.PENDING:
            return
        step = approval.steps.filter(status="pending").select_related("approver").first()
        assert step is not None  # noqa: S101 - a pending approval has a pending step
        approval_approve(
            approval=approval, actor=step.approver, version=approval.version, comment="同意。"
        )


def _contract_for(opportunity: Opportunity, index: int, today: date) -> Contract:
    actor = opportunity.owner
    contract = contract_create_from_opportunity(opportunity=opportunity, actor=actor)
    rows = payment_plan_template_rows(TEMPLATES[index % len(TEMPLATES)])
    payment_plan_replace(contract=contract, actor=actor, version=contract.version, rows=rows)
    contract.refresh_from_db()
    stage = LIFECYCLE[index % len(LIFECYCLE)]
    if stage == "draft":
        return contract
    approval = contract_submit(
        contract=contract, actor=actor, version=contract.version,
        signed_on=today - timedelta(days=90 + index % 30),
    )  # fmt: skip
    if stage == "in_approval":
        return contract
    _approve_all(approval)
    contract.refresh_from_db()
    if stage in ("delivered", "accepted"):
        contract = contract_record_delivery(
            contract=contract, actor=actor, version=contract.version, on=today - timedelta(days=60)
        )
    if stage == "accepted":
        contract = contract_record_acceptance(
            contract=contract, actor=actor, version=contract.version, on=today - timedelta(days=30)
        )
    return contract


# Earlier contracts with the active customers (signed this many days ago, amount), so the
# battle map shows a year of money: warranties running, acceptances long overdue, some paid.
EARLIER = (
    (420, "1280000.00"), (380, "860000.00"), (330, "2450000.00"), (300, "537600.00"),
    (250, "3980000.00"), (210, "1125000.00"), (170, "698000.00"), (140, "4200000.00"),
    (110, "915000.00"), (75, "1760000.00"),
)  # fmt: skip


# One more, signed and then called off by the customer: terminated through its approval.
TERMINATED = (190, "426000.00")


def _earlier_contract(
    account: Account, index: int, today: date, terms: tuple[int, str] | None = None
) -> Contract:
    days_ago, amount = terms or EARLIER[index]
    assert account.owner is not None  # noqa: S101 - only owned accounts are picked
    actor = account.owner
    signed_on = today - timedelta(days=days_ago)
    contract = contract_create(
        account=account, actor=actor,
        data={
            "name": f"{account.name} {signed_on.year} 年度集成服务合同", "amount": amount,
            "terms": "按节点付款；验收后 12 个月质保。", "warranty_months": 12,
        },
    )  # fmt: skip
    rows = payment_plan_template_rows(TEMPLATES[index % len(TEMPLATES)])
    payment_plan_replace(contract=contract, actor=actor, version=contract.version, rows=rows)
    contract.refresh_from_db()
    _approve_all(
        contract_submit(
            contract=contract, actor=actor, version=contract.version, signed_on=signed_on
        )
    )
    contract.refresh_from_db()
    delivered_on = signed_on + timedelta(days=30)
    contract = contract_record_delivery(
        contract=contract, actor=actor, version=contract.version, on=delivered_on
    )
    accepted_on = delivered_on + timedelta(days=45)
    if accepted_on <= today - timedelta(days=5):
        contract = contract_record_acceptance(
            contract=contract, actor=actor, version=contract.version, on=accepted_on
        )
    return contract


def _terminated(account: Account, today: date) -> Contract:
    contract = _earlier_contract(account, 0, today, TERMINATED)
    _approve_all(
        contract_termination_request(
            contract=contract, actor=contract.owner, version=contract.version,
            reason="客户项目因预算冻结取消，双方协商终止；已到货部分按实结算。",
        )
    )  # fmt: skip
    contract.refresh_from_db()
    return contract


def _earlier_contracts(account_ids: list[int], today: date) -> list[Contract]:
    customers = list(
        Account.objects.filter(pk__in=account_ids, status=AccountStatus.ACTIVE, owner__isnull=False)
        .select_related("owner")
        .order_by("pk")[: len(EARLIER) + 1]
    )
    made = [_earlier_contract(a, n, today) for n, a in enumerate(customers[: len(EARLIER)])]
    if len(customers) > len(EARLIER):
        made.append(_terminated(customers[-1], today))
    return made


def demo_contracts_build(*, account_ids: list[int], today: date) -> int:
    earlier = _earlier_contracts(account_ids, today)
    won = (
        Opportunity.objects.filter(
            account_id__in=account_ids, stage__kind=StageKind.WON, amount__gt=0
        )
        .select_related("account", "owner", "stage")
        .order_by("pk")
    )
    return len(earlier) + len([_contract_for(o, n, today) for n, o in enumerate(won)])


def demo_contracts_reset(account_ids: list[int]) -> None:
    Contract.objects.filter(account_id__in=account_ids).delete()
