"""Visibility and edit rights for accounts — the one place R-SEC-1 is decided.

Everything under an account (people, interactions, later leads, opportunities, contracts) is
visible exactly when its account is, so every other app filters through `account_visibility_q`
with the path to its account (`"account__"`). Pages, the API, search, exports and counts all
start from these functions; nothing else decides who sees what.
"""

from collections.abc import Callable

from django.db import connection
from django.db.models import Q, QuerySet

from kam.accounts.models import Account, AccountTeamMember
from kam.users.models import User
from kam.users.selectors import user_subordinate_ids

_SCOPE_CACHE_ATTR = "_kam_owner_scope"

# Other apps widen visibility by registering a grant: given the owner scope (a user and their
# subordinates), a queryset of `account_id` values those people may read. Opportunity team
# members and approvers use it (SPEC §1); it stays the one place visibility is decided.
AccountGrant = Callable[[frozenset[int]], QuerySet]
_ACCOUNT_GRANTS: dict[str, AccountGrant] = {}


def account_grant_register(name: str, grant: AccountGrant) -> None:
    _ACCOUNT_GRANTS[name] = grant


def owner_scope_ids(user: User) -> frozenset[int]:
    """The user and everyone below them in the reports-to chain (cached on the user object)."""
    cached: frozenset[int] | None = getattr(user, _SCOPE_CACHE_ATTR, None)
    if cached is None:
        cached = frozenset({user.pk} | user_subordinate_ids(user))
        setattr(user, _SCOPE_CACHE_ATTR, cached)
    return cached


def account_visibility_q(user: User, prefix: str = "", *, as_id_sets: bool = False) -> Q:
    """A filter selecting the accounts `user` may see; `prefix` is the path to the account.

    `as_id_sets` states the same rule as membership of the account key in sets of account ids,
    for a query that scans many rows of another table (a dashboard, the battle map, a board):
    the database builds each set once instead of joining every row to its account. A row with
    no account never matches in that form. Point lookups and lists of accounts keep the plain
    form, which checks the one account row at hand.
    """
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.sees_everything:
        return Q()
    scope = owner_scope_ids(user)
    member_of = AccountTeamMember.objects.filter(user_id__in=scope).values("account_id")
    if as_id_sets:
        key = f"{prefix.removesuffix('__')}_id__in" if prefix else "pk__in"
        # Two sets, not one with an OR: each is a range of the (owner, id) index.
        owned = Account.objects.filter(owner_id__in=scope).values("pk")
        unowned = Account.objects.filter(owner__isnull=True).values("pk")
        visible = Q(**{key: owned}) | Q(**{key: unowned}) | Q(**{key: member_of})
    else:
        key = f"{prefix}pk__in"
        visible = (
            Q(**{f"{prefix}owner_id__in": scope})
            | Q(**{key: member_of})
            | Q(**{f"{prefix}owner__isnull": True})
        )
    for grant in _ACCOUNT_GRANTS.values():
        visible |= Q(**{key: grant(scope)})
    return visible


def list_gathers_by_id_sets(user: User) -> bool:
    """Whether a list of another table's rows (deals, contracts, milestones) states `user`'s
    visibility as id sets, gathering the rows by account, rather than checking each row's
    account as it walks the sort column's index. PostgreSQL hashes the sets once and checks
    each row walked against them, which is as fast or faster for everyone (at scale, a
    director's gaps page: 57 → 21 ms of SQL; the deal and contract lists the same either way).
    SQLite builds each set as a temporary b-tree first: worth it only for a rep
    (`visibility_is_narrow`); a director's gaps query takes 80 ms that way against 2."""
    return connection.vendor == "postgresql" or visibility_is_narrow(user)


def visibility_is_narrow(user: User) -> bool:
    """Whether `user` is a rep with no one reporting to them, who sees a few hundred of the
    company's accounts. On SQLite, a list showing the newest rows of another table gathers
    such a user's rows by account (the id-set form of `account_visibility_q`) and sorts them;
    for a manager and up, walking the sort column's index and checking each row fills a page
    sooner (`list_gathers_by_id_sets`)."""
    return (
        user.is_authenticated
        and not user.sees_everything
        and owner_scope_ids(user) == frozenset({user.pk})
    )


def account_can_view(user: User, account: Account) -> bool:
    return Account.objects.filter(account_visibility_q(user), pk=account.pk).exists()


def account_can_edit(user: User, account: Account) -> bool:
    """Owners and their managers edit; team members and pool viewers only read."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.sees_everything:
        return True
    return account.owner_id is not None and account.owner_id in owner_scope_ids(user)


def account_can_create(user: User) -> bool:
    return user.is_authenticated and user.is_active
