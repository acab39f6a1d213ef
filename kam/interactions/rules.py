"""Who may log and edit interactions. Visibility itself is decided by kam.accounts.rules.

Logging a visit is wider than editing the account: the iron-triangle colleagues on the account
team (solution, delivery, service …) visit customers too, so team members may log against an
account they can otherwise only read.
"""

from kam.accounts.models import Account, AccountTeamMember
from kam.accounts.rules import account_can_edit
from kam.interactions.models import Interaction
from kam.users.models import User


def interaction_can_log(user: User, account: Account) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if account_can_edit(user, account):
        return True
    return AccountTeamMember.objects.filter(account_id=account.pk, user_id=user.pk).exists()


def interaction_can_edit(user: User, interaction: Interaction) -> bool:
    """Those who edit the account edit its records; a team member edits what they logged."""
    account = interaction.account
    if account_can_edit(user, account):
        return True
    return interaction.created_by_id == user.pk and interaction_can_log(user, account)
