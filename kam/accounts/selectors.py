from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kam.accounts.models import Account
from kam.accounts.rules import account_visibility_q
from kam.users.models import User


def accounts_visible_to(user: User) -> QuerySet[Account]:
    return Account.objects.filter(account_visibility_q(user))


def account_get_visible(user: User, pk: int) -> Account:
    """The account, or 404 — an invisible account looks exactly like a missing one."""
    return get_object_or_404(accounts_visible_to(user), pk=pk)
