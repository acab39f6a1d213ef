"""Demo load, pool phase: a regional pool beside the default one, every account placed with a
deadline derived from its real history, the pool's own history (releases), and a few accounts
close to or past their deadline so the warning, the lapse and the 流转 list have something to
show."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from kam.accounts.enums import AccountStatus
from kam.accounts.models import Account, OwnerChange
from kam.pools.enums import PoolEventKind, RecallTrigger
from kam.pools.models import Placement, Pool, PoolEvent, RecallRule
from kam.pools.services.protection import default_pool, placements_rederive

SOUTH_PROVINCES = ["广东", "广西", "福建", "海南"]
SOUTH_RULES = [
    ("A", "no_follow_up", 45),
    ("B", "no_follow_up", 30),
    ("C", "no_follow_up", 20),
    ("C", "not_signed", 120),
    ("D", "no_follow_up", 10),
]
RULES_LIVE_DAYS_AGO = 20
# How far into their protection the demo puts a few prospects: past it, and just short of it.
LAPSED_DAYS_OVER = 4
EXPIRING_DAYS_LEFT = 2


def _place_south_pool() -> Pool:
    south, created = Pool.objects.get_or_create(
        name="华南公海",
        defaults={
            "description": "华南区域的潜在客户，领取后 20 天内需跟进",
            "provinces": SOUTH_PROVINCES, "priority": 10, "protection_days": 20, "warn_days": 3,
            "max_owned": 30, "max_claims_per_day": 3, "reclaim_lockout_days": 30,
        },
    )  # fmt: skip
    if created:
        RecallRule.objects.bulk_create(
            [RecallRule(pool=south, grade=g, trigger=t, days=d) for g, t, d in SOUTH_RULES]
        )
    return south


def _release_history(ids: list[int]) -> None:
    """The demo's releases (owner changes to nobody) as pool events, at the time they happened."""
    released = OwnerChange.objects.filter(account_id__in=ids, to_owner__isnull=True).values(
        "account_id", "from_owner_id", "reason", "changed_at", "actor_id"
    )
    pools = dict(Placement.objects.filter(account_id__in=ids).values_list("account_id", "pool_id"))
    PoolEvent.objects.bulk_create(
        PoolEvent(
            account_id=row["account_id"],
            pool_id=pools[row["account_id"]],
            kind=PoolEventKind.RELEASE,
            from_owner_id=row["from_owner_id"],
            actor_id=row["actor_id"],
            reason=row["reason"],
            at=row["changed_at"],
        )
        for row in released
        if row["account_id"] in pools
    )


def _claim_times(ids: list[int], now: datetime) -> None:
    """Each owner's clock starts when they got the account (their last owner change), or when
    the pool rules went live, whichever is later: switching rules on does not recall years of
    holdings overnight."""
    rules_live = now - timedelta(days=RULES_LIVE_DAYS_AGO)
    got_it = (
        OwnerChange.objects.filter(account_id=OuterRef("account_id"), to_owner__isnull=False)
        .order_by("-changed_at")
        .values("changed_at")[:1]
    )
    placements = list(
        Placement.objects.filter(account_id__in=ids, account__owner__isnull=False).annotate(
            got=Subquery(got_it)
        )
    )
    for placement in placements:
        got: datetime | None = placement.got
        placement.claimed_at = max(got, rules_live) if got else rules_live
    Placement.objects.bulk_update(placements, ["claimed_at"])


def _near_deadline(now: datetime, ids: list[int]) -> None:
    """Put two owned prospects just past their deadline and two just short of it by moving
    their claim back — only prospects not followed up since then, so the deadline really is
    "no follow-up since the claim" and their own history stays true."""
    candidates = Account.objects.filter(
        pk__in=ids, owner__isnull=False, status=AccountStatus.PROSPECT,
        placement__lapse_trigger=RecallTrigger.NO_FOLLOW_UP,
        placement__protected_until__gt=now + timedelta(days=EXPIRING_DAYS_LEFT + 1),
    ).select_related("placement").order_by("last_activity_at", "pk")  # fmt: skip
    chosen = 0
    for account in candidates:
        placement = account.placement
        if placement.protected_until is None or placement.claimed_at is None:
            continue
        target = now + (
            -timedelta(days=LAPSED_DAYS_OVER) if chosen < 2 else timedelta(days=EXPIRING_DAYS_LEFT)
        )
        claimed_at = placement.claimed_at - (placement.protected_until - target)
        if account.last_activity_at and account.last_activity_at > claimed_at:
            continue  # followed up after that claim: the deadline could not be that early
        Placement.objects.filter(pk=placement.pk).update(claimed_at=claimed_at)
        chosen += 1
        if chosen == 4:
            return


@transaction.atomic
def demo_pools_build(*, account_ids: list[int]) -> dict[str, int]:
    _place_south_pool()
    default_pool()
    ids = account_ids
    Placement.objects.filter(account_id__in=ids).delete()
    placements_rederive()
    _release_history(ids)
    _claim_times(ids, timezone.now())
    placements_rederive()
    _near_deadline(timezone.now(), ids)
    placements_rederive()
    now = timezone.now()
    return {
        "pool": Account.objects.filter(pk__in=ids, owner__isnull=True).count(),
        "lapsed": Placement.objects.filter(account_id__in=ids, protected_until__lt=now).count(),
    }
