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


def _visibility_q(user: User, account_prefix: str, *, as_id_sets: bool = False) -> Q:
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if billing_sees_all(user):
        return Q()
    return account_visibility_q(user, account_prefix, as_id_sets=as_id_sets)


# `as_id_sets`: see kam.accounts.rules.account_visibility_q (for scans such as the dashboard).


def receipt_visibility_q(user: User, *, as_id_sets: bool = False) -> Q:
    return _visibility_q(user, "account__", as_id_sets=as_id_sets)


def invoice_visibility_q(user: User, *, as_id_sets: bool = False) -> Q:
    return _visibility_q(user, "contract__account__", as_id_sets=as_id_sets)


def milestone_visibility_q(user: User, *, as_id_sets: bool = False) -> Q:
    # the milestone's copy of its contract's account (PaymentMilestone.account)
    return _visibility_q(user, "account__", as_id_sets=as_id_sets)
