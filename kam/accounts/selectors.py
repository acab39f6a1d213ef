"""Reads for accounts. Every query starts from `accounts_visible_to` (R-SEC-1)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404

from kam.accounts.models import (
    Account,
    AccountTeamMember,
    CoreFieldVerification,
    GradeChange,
    OwnerChange,
)
from kam.accounts.names import (
    KEY_SEPARATOR,
    account_name_normalize,
    key_regions,
    key_rest,
    name_similarity,
)
from kam.accounts.rules import account_visibility_q, owner_scope_ids
from kam.core.ordering import sort_order
from kam.core.pagination import PAGE_SIZE, Page, paginate_by_key
from kam.users.models import User

SIMILAR_NAME_THRESHOLD = 0.6
SIMILAR_CANDIDATE_LIMIT = 200
GROUP_TREE_LIMIT = 500


def accounts_visible_to(user: User) -> QuerySet[Account]:
    return Account.objects.filter(account_visibility_q(user))


def account_get_visible(user: User, pk: int) -> Account:
    """The account, or 404 — an invisible account looks exactly like a missing one."""
    return get_object_or_404(accounts_visible_to(user), pk=pk)


# ---- list ---------------------------------------------------------------------------------

LIST_COLUMNS = [
    "grade", "level", "industry", "province", "owner", "team", "status", "purchase_scenario",
    "credit_code", "last_activity_at", "updated_at",
]  # fmt: skip
DEFAULT_COLUMNS = ["grade", "industry", "province", "level", "owner", "status", "last_activity_at"]
SORT_FIELDS = {
    "name": "name",
    "grade": "grade",
    "industry": "industry",
    "province": "province",
    "last_activity_at": "last_activity_at",
    "updated_at": "updated_at",
}
DEFAULT_SORT = "-updated_at"
LIST_ONLY = [
    "id", "name", "credit_code", "grade", "level", "industry", "province", "city", "status",
    "purchase_scenario", "personnel_change_at", "last_activity_at", "updated_at",
    "owner__id", "owner__username", "owner__display_name", "team__id", "team__name",
]  # fmt: skip


# Up to this row the list's order is spelled so that an index can serve it. Further down, the
# index walk is the slower plan: PostgreSQL overestimates how many accounts a user sees and
# checks visibility row by row through most of the table, where one scan and a sort of the
# matching keys is cheaper; the full "NULLS LAST" spelling (same order) leads it there.
INDEX_WALK_ROWS = 2_500
# Except where the index covers the visibility check (the owner, `account_updated_owner`):
# walking it is cheaper than any scan, however deep the page.
COVERED_SORT_FIELDS = {"updated_at"}


def account_list_order(sort: str, *, index_friendly: bool = True) -> list[Any]:
    key = sort.removeprefix("-")
    column = SORT_FIELDS.get(key)
    if column is None:
        return account_list_order(DEFAULT_SORT, index_friendly=index_friendly)
    walk = index_friendly or column in COVERED_SORT_FIELDS
    return sort_order(Account, column, sort.startswith("-"), nulls_last=not walk)


def accounts_list(user: User, filters: dict[str, Any], sort: str = DEFAULT_SORT) -> QuerySet:
    """The visible accounts matching the list filters, sorted, with owner and team joined."""
    return _list_columns(_accounts_matching(user, filters)).order_by(*account_list_order(sort))


def accounts_list_page(user: User, filters: dict[str, Any], sort: str, page: int) -> Page:
    """One page of `accounts_list`, the same rows in the same order, paged by key: the OFFSET
    skips keys found from the visibility and sort indexes, not whole joined rows."""
    key_order = account_list_order(sort, index_friendly=(page - 1) * PAGE_SIZE < INDEX_WALK_ROWS)
    row_order = account_list_order(sort)
    return paginate_by_key(
        _accounts_matching(user, filters).order_by(*key_order),
        lambda keys: _list_columns(Account.objects.filter(pk__in=keys)).order_by(*row_order),
        page,
    )


def _list_columns(queryset: QuerySet[Account]) -> QuerySet[Account]:
    return queryset.select_related("owner", "team").only(*LIST_ONLY)


def _accounts_matching(user: User, filters: dict[str, Any]) -> QuerySet[Account]:
    queryset = accounts_visible_to(user)
    for name in ("industry", "province", "level", "grade", "status"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("owner"):
        queryset = queryset.filter(owner=filters["owner"])
    if filters.get("team"):
        queryset = queryset.filter(team=filters["team"])
    text = (filters.get("q") or "").strip()
    if text:
        normalized = key_rest(account_name_normalize(text))
        condition = Q(name__icontains=text) | Q(credit_code__icontains=text.upper())
        if normalized:
            condition |= Q(name_normalized__contains=normalized)
        queryset = queryset.filter(condition)
    return queryset


# ---- duplicates ---------------------------------------------------------------------------


def accounts_similar_names(*, name: str, exclude_pk: int | None = None) -> list[Account]:
    """Accounts whose normalised name equals this one's, or whose non-region part is close.

    Deliberately across all accounts, not only visible ones: a duplicate owned by another rep is
    exactly what must be caught. Callers decide what they may show of each candidate.
    """
    key = account_name_normalize(name)
    rest = key_rest(key)
    prefix = f"{key_regions(key)}{KEY_SEPARATOR}{rest[:1]}"
    queryset = Account.objects.filter(
        Q(name_normalized=key) | Q(name_normalized__startswith=prefix)
    )
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    candidates = (
        queryset.select_related("owner")
        .only(
            "id", "name", "name_normalized", "owner__id", "owner__username", "owner__display_name"
        )
        .order_by("name")[:SIMILAR_CANDIDATE_LIMIT]
    )
    return [
        account
        for account in candidates
        if account.name_normalized == key
        or name_similarity(account.name_normalized, key) >= SIMILAR_NAME_THRESHOLD
    ]


@dataclass
class Candidate:
    account: Account
    visible: bool


def account_candidates_for_display(user: User, accounts: Iterable[Account]) -> list[Candidate]:
    """Mark which duplicates the user may open (the others are shown without their name)."""
    accounts = list(accounts)
    visible = set(
        accounts_visible_to(user)
        .filter(pk__in=[a.pk for a in accounts])
        .values_list("pk", flat=True)
    )
    return [Candidate(account=a, visible=a.pk in visible) for a in accounts]


def account_by_credit_code(code: str) -> Account | None:
    return Account.objects.select_related("owner").filter(credit_code=code).first()


# ---- detail -------------------------------------------------------------------------------


def account_detail(user: User, pk: int) -> Account:
    """The account for its page; the pool placement the page's pool card shows comes along in
    the same query."""
    return get_object_or_404(
        accounts_visible_to(user).select_related(
            "owner", "owner__manager", "team", "parent", "placement__pool"
        ),
        pk=pk,
    )


def account_grade_history(account: Account) -> QuerySet[GradeChange]:
    return GradeChange.objects.filter(account=account).select_related("actor")[:50]


def account_owner_history(account: Account) -> QuerySet[OwnerChange]:
    return OwnerChange.objects.filter(account=account).select_related(
        "from_owner", "to_owner", "actor"
    )[:50]


def account_team_members(account: Account) -> QuerySet[AccountTeamMember]:
    return (
        AccountTeamMember.objects.filter(account=account)
        .select_related("user", "user__team")
        .order_by("role", "user__username")
    )


def account_latest_verifications(account: Account) -> dict[str, CoreFieldVerification]:
    """The newest verification of each core field."""
    latest: dict[str, CoreFieldVerification] = {}
    for verification in CoreFieldVerification.objects.filter(account=account).select_related(
        "verified_by"
    ):
        latest.setdefault(verification.field, verification)
    return latest


@dataclass
class TreeNode:
    pk: int
    name: str
    grade: str
    current: bool
    children: list["TreeNode"] = field(default_factory=list)


def _group_ids_sql() -> str:
    """The ids of the whole group `account` belongs to: up to its root, then all the way down.

    UNION (not UNION ALL) ends a walk that meets a row twice, so a damaged chain cannot loop.
    """
    table = connection.ops.quote_name(Account._meta.db_table)
    return f"""
        WITH RECURSIVE up(id, parent_id) AS (
            SELECT id, parent_id FROM {table} WHERE id = %s
            UNION
            SELECT a.id, a.parent_id FROM {table} a JOIN up ON a.id = up.parent_id
        ),
        down(id) AS (
            SELECT id FROM up WHERE parent_id IS NULL
            UNION
            SELECT a.id FROM {table} a JOIN down ON a.parent_id = down.id
        )
        SELECT id FROM down LIMIT %s
    """  # noqa: S608 - only the table name is interpolated


def account_group_tree(user: User, account: Account) -> list[TreeNode]:
    """The group hierarchy around `account`: from its root down, visible accounts only.

    One query however deep or wide the group: its ids come from a recursive subquery and each
    row says whether the user may see it; an invisible node's children hang on its nearest
    visible ancestor, and its name never leaves this function.
    """
    visible_to_user = (
        Value(True)
        if user.sees_everything
        else Case(When(account_visibility_q(user), then=Value(True)), default=Value(False))
    )
    rows = (
        # S611: the SQL is a constant; the account id and the limit are parameters.
        Account.objects.filter(
            pk__in=RawSQL(_group_ids_sql(), [account.pk, GROUP_TREE_LIMIT])  # noqa: S611
        )
        .annotate(visible_to_user=visible_to_user)
        .values_list("pk", "parent_id", "name", "grade", "visible_to_user")
    )
    parents: dict[int, int | None] = {}
    visible: dict[int, tuple[str, str]] = {}
    for pk, parent_id, name, grade, is_visible in rows:
        parents[pk] = parent_id
        if is_visible:
            visible[pk] = (name, grade)
    root_id = next((pk for pk, parent in parents.items() if parent is None), None)
    if root_id is None or len(parents) == 1:
        return []
    children: dict[int | None, list[int]] = {}
    for node_id, parent_of in parents.items():
        children.setdefault(parent_of, []).append(node_id)

    def build(pk: int) -> list[TreeNode]:
        below = [node for child in children.get(pk, []) for node in build(child)]
        below.sort(key=lambda node: node.name)
        if pk not in visible:
            return below
        name, grade = visible[pk]
        return [TreeNode(pk=pk, name=name, grade=grade, current=pk == account.pk, children=below)]

    return build(root_id)


def account_owner_choices(user: User) -> QuerySet[User]:
    """Who `user` may make an owner: themself and their reports; GM/admin: anyone active."""
    users = User.objects.filter(is_active=True).select_related("team").order_by("username")
    if user.sees_everything:
        return users
    return users.filter(pk__in=owner_scope_ids(user))


def account_parent_candidates(
    user: User, text: str, exclude_pk: int | None = None, limit: int = 20
) -> list[tuple[int, str]]:
    """Visible group/province/city accounts whose name contains `text` (the parent picker)."""
    text = text.strip()
    if not text:
        return []
    queryset = accounts_visible_to(user).filter(
        level__in=["group", "province", "city"], name__icontains=text
    )
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return list(queryset.order_by("name").values_list("pk", "name")[:limit])


# An account picker (a select with a search box) lists this many: a director may edit tens of
# thousands of accounts and finance sees all 100k; a select of them all took seconds to
# render (the receipt form: 6 s, 10 MB of HTML).
ACCOUNT_OPTIONS = 50


def account_options(
    accounts: QuerySet[Account], text: str = "", chosen: int | None = None
) -> list[tuple[int, str]]:
    """(id, name) of `accounts` for a picker: those whose name contains `text`, or without
    text the most recently active; the `chosen` one always comes first."""
    text = text.strip()
    if text:
        rows = accounts.filter(name__icontains=text).order_by("name", "pk")
    else:
        rows = accounts.order_by(F("last_activity_at").desc(nulls_last=True), "name", "pk")
    options = list(rows.values_list("pk", "name")[:ACCOUNT_OPTIONS])
    if chosen is not None and all(pk != chosen for pk, _name in options):
        options = list(accounts.filter(pk=chosen).values_list("pk", "name")) + options
    return options
