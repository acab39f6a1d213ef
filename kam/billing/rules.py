"""Who sees and records money. Finance collects, so finance (with GM and admin) records and
allocates every receipt and issues every invoice; everyone else sees the money of the accounts
they can see, through the same visibility layer as the accounts, and records none of it — a rep
who could enter receipts could clear their own overdue list."""

from django.db.models import Q

from kam.accounts.rules import account_visibility_q
from kam.users.enums import Role
from kam.users.models import User


def billing_sees_all(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active) and (
        user.sees_everything or user.role == Role.FINANCE
    )


def billing_can_record(user: User) -> bool:
    return billing_sees_all(user)


def _visibility_q(user: User, account_prefix: str) -> Q:
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if billing_sees_all(user):
        return Q()
    return account_visibility_q(user, account_prefix)


def receipt_visibility_q(user: User) -> Q:
    return _visibility_q(user, "account__")


def invoice_visibility_q(user: User) -> Q:
    return _visibility_q(user, "contract__account__")


def milestone_visibility_q(user: User) -> Q:
    return _visibility_q(user, "contract__account__")
