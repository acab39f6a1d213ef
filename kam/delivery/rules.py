"""Who sees and keeps a contract's delivery chain: exactly the contract's readers (finance
included, since they chase the payment) and its editors (`contract_can_edit`)."""

from django.db.models import Q

from kam.contracts.enums import ContractStatus
from kam.contracts.models import Contract
from kam.contracts.rules import contract_can_edit, contract_visibility_q
from kam.users.models import User


def delivery_member_visibility_q(user: User) -> Q:
    return Q(contract__in=Contract.objects.filter(contract_visibility_q(user)).values("pk"))


def delivery_chain_can_edit(user: User, contract: Contract) -> bool:
    """A terminated contract will not be paid any more: its chain is history."""
    return contract.status != ContractStatus.TERMINATED and contract_can_edit(user, contract)
