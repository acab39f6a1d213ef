"""Reads for the pool pages and API. Every list starts from the accounts' visibility."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.enums import AccountStatus
from kam.accounts.models import Account
from kam.accounts.rules import account_can_edit, account_visibility_q, owner_scope_ids
from kam.pools.enums import PoolEventKind
from kam.pools.models import Placement, Pool, PoolEvent, RecallRule
from kam.pools.rules import CLAIMING_ROLES, pool_claim_refusal
from kam.pools.services.claims import (
    pool_accounts_q,
    pool_can_assign,
    pool_holdings,
    pool_lockout_until,
)
from kam.pools.services.protection import default_pool, is_lapsed
from kam.users.models import User

POOL_ONLY = [
    "id", "name", "grade", "industry", "province", "city", "status", "last_activity_at",
    "owner__id", "owner__username", "owner__display_name", "placement__pool_id",
    "placement__protected_until", "placement__lapse_trigger",
]  # fmt: skip
EXPIRING_WINDOW_DAYS = 7


def pools_active() -> list[Pool]:
    default_pool()  # the catch-all exists even on an emptied database
    return list(
        Pool.objects.filter(active=True)
        .prefetch_related("teams", Prefetch("rules", RecallRule.objects.order_by("grade")))
        .order_by("-is_default", "priority", "pk")
    )


def pools_all() -> QuerySet[Pool]:
    return Pool.objects.prefetch_related("teams", "rules").order_by("-is_default", "priority")


def pool_get(pk: int) -> Pool:
    return get_object_or_404(Pool.objects.prefetch_related("teams", "rules"), pk=pk)


def claimable_q(now: datetime, prefix: str = "") -> Q:
    return Q(**{f"{prefix}owner__isnull": True}) | Q(
        **{f"{prefix}placement__protected_until__lt": now}
    )


def pool_accounts(user: User, pool: Pool, filters: dict[str, Any]) -> QuerySet[Account]:
    """Prospects waiting in `pool`: unowned, or owned with a lapsed protection (claimable now,
    before any job has moved them). Newest arrivals first."""
    now = timezone.now()
    last_left = PoolEvent.objects.filter(
        account=OuterRef("pk"),
        kind__in=[PoolEventKind.RELEASE, PoolEventKind.RECALL],
    ).order_by("-at", "-pk")
    queryset = Account.objects.filter(
        account_visibility_q(user),
        pool_accounts_q(pool),
        claimable_q(now),
        status=AccountStatus.PROSPECT,
    )
    for name in ("industry", "province", "grade"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("state") == "lapsed":
        queryset = queryset.filter(owner__isnull=False)
    elif filters.get("state") == "free":
        queryset = queryset.filter(owner__isnull=True)
    text = (filters.get("q") or "").strip()
    if text:
        queryset = queryset.filter(name__icontains=text)
    return (
        queryset.select_related("owner", "placement")
        .only(*POOL_ONLY)
        .annotate(
            left_at=Subquery(last_left.values("at")[:1]),
            left_by=Subquery(last_left.values("from_owner__display_name")[:1]),
        )
        .order_by("-placement__protected_until", "-last_activity_at", "-pk")
    )


def _lapsed_flag(now: datetime) -> Case:
    return Case(
        When(placement__protected_until__lt=now, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def protections_of(user: User) -> QuerySet[Account]:
    """The user's own prospects, the soonest to lapse first."""
    return (
        Account.objects.filter(owner=user, placement__protected_until__isnull=False)
        .select_related("placement__pool")
        .only(*POOL_ONLY, "version", "placement__pool__name", "placement__warned_at")
        .annotate(lapsed=_lapsed_flag(timezone.now()))
        .order_by("placement__protected_until", "pk")
    )


def expiring_in_scope(user: User) -> QuerySet[Account]:
    """Accounts of the manager's line that lapse within a week or already have (流转 list)."""
    horizon = timezone.now() + timedelta(days=EXPIRING_WINDOW_DAYS)
    queryset = Account.objects.filter(owner__isnull=False, placement__protected_until__lte=horizon)
    if not user.sees_everything:
        queryset = queryset.filter(owner_id__in=owner_scope_ids(user))
    return (
        queryset.select_related("owner", "placement__pool")
        .only(*POOL_ONLY, "placement__pool__name")
        .annotate(lapsed=_lapsed_flag(timezone.now()))
        .order_by("placement__protected_until", "pk")
    )


def assignable_users(actor: User) -> QuerySet[User]:
    users = User.objects.filter(is_active=True, role__in=CLAIMING_ROLES)
    if not actor.sees_everything:
        users = users.filter(pk__in=owner_scope_ids(actor))
    return users.order_by("team__name", "display_name", "username")


def account_pool_events(account: Account) -> QuerySet[PoolEvent]:
    return PoolEvent.objects.filter(account=account).select_related(
        "pool", "from_owner", "to_owner", "actor"
    )


@dataclass
class PoolStatus:
    """What the account page shows about the pool, and which buttons it offers."""

    placement: Placement | None
    pool: Pool | None
    in_pool: bool
    lapsed: bool
    claimable: bool
    days_left: int | None
    claim_refusal: str
    can_release: bool
    can_assign: bool


def _placement_of(account: Account) -> Placement | None:
    """The account's placement, without a query when the account's own query joined it in
    (`account_detail` does, to keep the account page within its query budget)."""
    if Account.placement.related.is_cached(account):
        # A join that found no row caches None, which the attribute reports as AttributeError.
        placement: Placement | None = getattr(account, "placement", None)
        return placement
    return Placement.objects.filter(account_id=account.pk).select_related("pool").first()


def account_pool_status(user: User, account: Account) -> PoolStatus:
    placement = _placement_of(account)
    pool = placement.pool if placement is not None else None
    if pool is None and account.owner_id is None:
        # Only a pool account shows its pool; one never placed belongs to the catch-all pool.
        pool = default_pool()
    now = timezone.now()
    lapsed = is_lapsed(placement, now)
    days_left = None
    if placement is not None and placement.protected_until is not None and not lapsed:
        days_left = (placement.protected_until - now).days
    claimable = account.status == AccountStatus.PROSPECT and (account.owner_id is None or lapsed)
    claimable = claimable and account.owner_id != user.pk
    refusal = ""
    if claimable and pool is not None:
        refusal = pool_claim_refusal(user, pool) or _limits_refusal(user, account, pool, now)
    return PoolStatus(
        placement=placement,
        pool=pool,
        in_pool=account.owner_id is None,
        lapsed=lapsed,
        days_left=days_left,
        claimable=claimable,
        claim_refusal=refusal,
        can_release=account.owner_id is not None and account_can_edit(user, account),
        can_assign=pool_can_assign(user, account, placement),
    )


def _limits_refusal(user: User, account: Account, pool: Pool, now: datetime) -> str:
    holdings = pool_holdings(user, pool, now, account)
    if pool_lockout_until(holdings, pool) is not None:
        return _("你曾放弃该客户，冷却期内不能重新领取。")
    if holdings.owned >= pool.max_owned:
        return _("已达持有上限。")
    if holdings.claimed_today >= pool.max_claims_per_day:
        return _("已达今日领取上限。")
    return ""


@dataclass
class Allowance:
    owned: int
    max_owned: int
    claimed_today: int
    max_claims_per_day: int


def pool_allowance(user: User, pool: Pool) -> Allowance | None:
    """The claimer's standing in the pool (None for people who don't claim)."""
    if user.role not in CLAIMING_ROLES:
        return None
    holdings = pool_holdings(user, pool, timezone.now())
    return Allowance(
        owned=holdings.owned,
        max_owned=pool.max_owned,
        claimed_today=holdings.claimed_today,
        max_claims_per_day=pool.max_claims_per_day,
    )
