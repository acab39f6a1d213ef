"""Who works the checklist. It is part of the contract: whoever may edit the contract ticks
items and files evidence; whoever sees the contract (finance included) reads it."""

from kam.contracts.models import Contract
from kam.contracts.rules import contract_can_edit
from kam.users.enums import Role
from kam.users.models import User

SETTINGS_EDITORS = frozenset({Role.SALES_DIRECTOR, Role.GENERAL_MANAGER, Role.ADMIN})


def checklist_can_edit(user: User, contract: Contract) -> bool:
    return contract_can_edit(user, contract)


def checklist_settings_manageable_by(user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.role in SETTINGS_EDITORS
