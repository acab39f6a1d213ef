"""How long an owner keeps a prospect account (R-POOL-1), computed from timestamps.

The inputs are the claim time, the last follow-up, the newest opportunity and whether anything
was ever won; the pool's rules for the account's grade turn them into one deadline. Every
service that changes an input calls `placement_refresh`, so the stored deadline is always the
derived one and "lapsed" needs no job.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.enums import AccountStatus
from kam.accounts.models import Account
from kam.opportunities.enums import StageKind
from kam.opportunities.models import Opportunity
from kam.pools.enums import RecallTrigger
from kam.pools.models import Placement, Pool, RecallRule

DEFAULT_POOL_NAME = "公共客户池"
REFRESH_BATCH = 2000


@dataclass(frozen=True)
class Inputs:
    """Everything the deadline depends on, for one account."""

    owned: bool
    prospect: bool
    signed: bool
    grade: str
    held_since: datetime
    last_follow_up: datetime | None
    last_opportunity: datetime | None


def protection_deadline(
    inputs: Inputs, rules: Sequence[tuple[str, str, int]], default_days: int
) -> tuple[datetime | None, str]:
    """The earliest deadline among the grade's rules and the trigger that sets it; (None, "")
    when no recall applies (in the pool, or a customer rather than a prospect).

    `rules` are (grade, trigger, days); a grade without rules gets `default_days` without a
    follow-up. Follow-ups and opportunities older than the claim do not extend it: the new
    owner's clock starts at the claim.
    """
    if not inputs.owned or not inputs.prospect or inputs.signed:
        return None, ""
    start = inputs.held_since
    anchors = {
        RecallTrigger.NO_FOLLOW_UP: max(start, inputs.last_follow_up or start),
        RecallTrigger.NO_OPPORTUNITY: max(start, inputs.last_opportunity or start),
        RecallTrigger.NOT_SIGNED: start,
    }
    own = [(trigger, days) for grade, trigger, days in rules if grade == inputs.grade]
    if not own:
        own = [(RecallTrigger.NO_FOLLOW_UP, default_days)]
    deadline, trigger = min(
        (anchors[RecallTrigger(trigger)] + timedelta(days=days), trigger) for trigger, days in own
    )
    return deadline, trigger


def default_pool() -> Pool:
    """The catch-all pool; created on demand so a database emptied by tests still works."""
    pool = Pool.objects.filter(is_default=True).first()
    if pool is None:
        pool, _created = Pool.objects.get_or_create(
            name=DEFAULT_POOL_NAME,
            defaults={"is_default": True, "description": _("未匹配其他公海的客户")},
        )
    return pool


def pool_for_account(
    account: Account, pools: Iterable[Pool] | None = None, fallback: Pool | None = None
) -> Pool:
    """The first active pool (by priority) matching the account, else the default pool."""
    candidates = pools if pools is not None else Pool.objects.filter(active=True, is_default=False)
    for pool in sorted(candidates, key=lambda p: (p.priority, p.pk)):
        if not pool.is_default and pool.active and pool.matches(account.industry, account.province):
            return pool
    return fallback or default_pool()


def _pool_rules(pool: Pool) -> list[tuple[str, str, int]]:
    return list(RecallRule.objects.filter(pool=pool).values_list("grade", "trigger", "days"))


@dataclass(frozen=True)
class DeadlineFacts:
    """What an owned prospect's deadline reads besides its account and placement, for a
    caller that read it with those rows (`deadline_columns`, `rules_columns`)."""

    newest_deal: datetime | None
    won: bool
    rules: list[tuple[str, str, int]]  # the grade's rules in the placement's pool


def deadline_columns() -> dict[str, Exists | Subquery]:
    """`_deal_facts` of one account as columns of a query of accounts."""
    deals = Opportunity.objects.filter(account_id=OuterRef("pk"))
    return {
        "newest_deal": Subquery(deals.order_by("-created_at").values("created_at")[:1]),
        "won_deal": Exists(deals.filter(stage__kind=StageKind.WON)),
    }


def rules_columns(grade: str) -> dict[str, Subquery]:
    """The days of each of the grade's rules in the pool, as columns of a query of placements
    (a rule is unique per pool, grade and trigger)."""
    return {
        f"rule_{trigger}": Subquery(
            RecallRule.objects.filter(pool_id=OuterRef("pool_id"), grade=grade, trigger=trigger)
            .order_by()
            .values("days")[:1]
        )
        for trigger in RecallTrigger
    }


def deadline_facts(account: Account, placement: Placement) -> DeadlineFacts:
    """The facts of an account read with `deadline_columns` and of its placement read with
    `rules_columns` for the account's grade."""
    rules = [
        (account.grade, str(trigger), days)
        for trigger in RecallTrigger
        if (days := getattr(placement, f"rule_{trigger}")) is not None
    ]
    return DeadlineFacts(account.newest_deal, account.won_deal, rules)  # type: ignore[attr-defined]


def _deal_facts(account_ids: list[int]) -> dict[int, tuple[datetime | None, bool]]:
    rows = (
        Opportunity.objects.filter(account_id__in=account_ids)
        .values("account_id")
        .annotate(newest=Max("created_at"), won=Count("pk", filter=Q(stage__kind=StageKind.WON)))
    )
    return {row["account_id"]: (row["newest"], row["won"] > 0) for row in rows}


def _inputs(
    account: Account, placement: Placement, facts: tuple[datetime | None, bool] | None
) -> Inputs:
    newest, won = facts or (None, False)
    return Inputs(
        owned=account.owner_id is not None,
        prospect=account.status == AccountStatus.PROSPECT,
        signed=won,
        grade=account.grade,
        held_since=placement.claimed_at or account.created_at,
        last_follow_up=account.last_activity_at,
        last_opportunity=newest,
    )


def recall_applies(account: Account) -> bool:
    """Whether the account can be recalled at all: only an owned prospect's clock runs."""
    return account.owner_id is not None and account.status == AccountStatus.PROSPECT


def _deadline(
    account: Account, placement: Placement, known: DeadlineFacts | None
) -> tuple[datetime | None, str]:
    """`protection_deadline` of one account, reading its deals and its pool's rules (unless
    `known`) only when they can matter: an account in the pool or a customer is never
    recalled (most visits are to customers), and a won deal ends the clock whatever the rules
    say."""
    if not recall_applies(account):
        return None, ""
    if known is not None:
        facts: tuple[datetime | None, bool] | None = (known.newest_deal, known.won)
    else:
        facts = _deal_facts([account.pk]).get(account.pk)
    inputs = _inputs(account, placement, facts)
    if inputs.signed:
        return None, ""
    rules = known.rules if known is not None else _pool_rules(placement.pool)
    return protection_deadline(inputs, rules, placement.pool.protection_days)


def _derived(placement: Placement) -> tuple[object, ...]:
    return (
        placement.claimed_at, placement.protected_until, placement.lapse_trigger,
        placement.warned_at,
    )  # fmt: skip


def placement_refresh(
    account: Account,
    *,
    claimed_at: datetime | None = None,
    placement: Placement | None = None,
    facts: DeadlineFacts | None = None,
) -> Placement:
    """Recompute the account's deadline (creating its placement on first use). Pass
    `claimed_at` when the account has just changed hands: the new owner's clock starts then.
    A caller that has just read the placement (with its pool) passes it, and the deadline's
    `facts` if it read them too: no second read. An unchanged placement is not written (a
    visit to a customer changes nothing here)."""
    if placement is None:
        placement = Placement.objects.filter(account_id=account.pk).select_related("pool").first()
    if placement is None:
        placement = Placement(account=account, pool=pool_for_account(account))
    stored = None if placement._state.adding else _derived(placement)
    if claimed_at is not None:
        placement.claimed_at = claimed_at
        placement.warned_at = None
    if account.owner_id is None:
        placement.claimed_at = None
    deadline, trigger = _deadline(account, placement, facts)
    if deadline != placement.protected_until:
        placement.warned_at = None
    placement.protected_until = deadline
    placement.lapse_trigger = trigger
    if _derived(placement) != stored:
        placement.save()
    return placement


def placement_refresh_by_id(account_id: int) -> Placement | None:
    account = Account.objects.filter(pk=account_id).select_related("placement__pool").first()
    if account is None:
        return None
    try:
        placement = account.placement
    except Placement.DoesNotExist:
        placement = None
    return placement_refresh(account, placement=placement)


def placements_rederive(*, pool: Pool | None = None) -> int:
    """Recompute every deadline (of one pool, or all, creating missing placements) in batches:
    after a rule change, and nightly as a safety net. Returns how many rows changed."""
    pools = list(Pool.objects.filter(active=True, is_default=False))
    fallback = default_pool()
    rules_by_pool: dict[int, list[tuple[str, str, int]]] = {}
    changed = 0
    accounts = Account.objects.order_by("pk").only(
        "pk", "owner_id", "status", "grade", "created_at", "last_activity_at", "industry",
        "province",
    )  # fmt: skip
    if pool is not None:
        accounts = accounts.filter(placement__pool=pool)
    last_pk = 0
    while True:
        batch = list(accounts.filter(pk__gt=last_pk)[:REFRESH_BATCH])
        if not batch:
            return changed
        last_pk = batch[-1].pk
        ids = [account.pk for account in batch]
        placements = {
            row.account_id: row
            for row in Placement.objects.filter(account_id__in=ids).select_related("pool")
        }
        facts = _deal_facts(ids)
        new_rows: list[Placement] = []
        updated: list[Placement] = []
        for account in batch:
            placement = placements.get(account.pk)
            if placement is None:
                placement = Placement(
                    account=account, pool=pool_for_account(account, pools, fallback)
                )
                new_rows.append(placement)
            if placement.pool_id not in rules_by_pool:
                rules_by_pool[placement.pool_id] = _pool_rules(placement.pool)
            deadline, trigger = protection_deadline(
                _inputs(account, placement, facts.get(account.pk)),
                rules_by_pool[placement.pool_id],
                placement.pool.protection_days,
            )
            if placement in new_rows:
                placement.protected_until, placement.lapse_trigger = deadline, trigger
            elif (deadline, trigger) != (placement.protected_until, placement.lapse_trigger):
                if deadline != placement.protected_until:
                    placement.warned_at = None
                placement.protected_until, placement.lapse_trigger = deadline, trigger
                updated.append(placement)
        Placement.objects.bulk_create(new_rows)
        Placement.objects.bulk_update(
            updated, ["protected_until", "lapse_trigger", "warned_at"], batch_size=500
        )
        changed += len(new_rows) + len(updated)


def is_lapsed(placement: Placement | None, now: datetime | None = None) -> bool:
    return bool(
        placement is not None
        and placement.protected_until is not None
        and placement.protected_until < (now or timezone.now())
    )
