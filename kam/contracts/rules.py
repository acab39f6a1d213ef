"""Who sees and edits contracts. Visibility follows the account (SPEC §1); finance sees every
contract, because collecting is their job."""

from django.db.models import Q

from kam.accounts.rules import account_can_edit, account_visibility_q
from kam.contracts.models import Contract
from kam.users.enums import Role
from kam.users.models import User


def contract_visibility_q(user: User, *, as_id_sets: bool = False) -> Q:
    """`as_id_sets`: see kam.accounts.rules.account_visibility_q (for scans, the battle map)."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.sees_everything or user.role == Role.FINANCE:
        return Q()
    return account_visibility_q(user, "account__", as_id_sets=as_id_sets)


def contract_can_edit(user: User, contract: Contract) -> bool:
    """The account's editors (owner and managers) edit its contracts; finance records money
    against them but does not rewrite them."""
    return account_can_edit(user, contract.account)
