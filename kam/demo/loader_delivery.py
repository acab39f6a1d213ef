"""Demo delivery decision chains (R-COL-6) on the demo's signed contracts: finance on side and
signed, quality still to sign, a user department against, a supervisor nobody has asked — and
supply chain and the signatory left uncovered, so the warnings and suggestions show."""

from datetime import date, timedelta

from kam.contacts.enums import ContactStatus
from kam.contacts.models import Contact
from kam.contracts.enums import BILLABLE_STATUSES
from kam.contracts.models import Contract
from kam.delivery.enums import DeliveryRole, SignOffStatus, Stance
from kam.delivery.services import delivery_member_add, delivery_member_record_signoff

# (delivery role, stance, support plan) for the first people of each account, in turn.
CAST = (
    (DeliveryRole.FINANCE, Stance.SUPPORTER, "每月对账一次，付款节点前一周确认付款流程。"),
    (DeliveryRole.QUALITY, Stance.NEUTRAL, "验收前安排质量部参加联调测试，提前给出检测报告。"),
    (DeliveryRole.USER_DEPARTMENT, Stance.OPPONENT, "针对使用部门提出的问题逐条整改并书面回复。"),
    (DeliveryRole.SUPERVISOR, Stance.UNKNOWN, "约监理单位项目负责人面谈，了解其验收关注点。"),
)
CHAINS = 6


def demo_delivery_build(*, account_ids: list[int], today: date) -> int:
    """Returns the number of chain members created."""
    contracts = list(
        Contract.objects.filter(account_id__in=account_ids, status__in=BILLABLE_STATUSES)
        .select_related("owner")
        .order_by("pk")[:CHAINS]
    )
    created = 0
    for contract in contracts:
        people = Contact.objects.filter(account_id=contract.account_id).exclude(
            status=ContactStatus.LEFT
        )
        for (role, stance, plan), person in zip(CAST, people.order_by("pk"), strict=False):
            member = delivery_member_add(
                contract=contract, contact=person, actor=contract.owner,
                data={
                    "delivery_role": role, "stance": stance, "support_plan": plan,
                    "signs_all_milestones": role == DeliveryRole.FINANCE,
                },
            )  # fmt: skip
            created += 1
            if role == DeliveryRole.FINANCE:
                delivery_member_record_signoff(
                    member=member, actor=contract.owner, version=member.version,
                    status=SignOffStatus.SIGNED, on=today - timedelta(days=3),
                    note="首付款已签字确认。",
                )  # fmt: skip
    return created
