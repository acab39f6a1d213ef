"""Changes of hands through the pool (R-POOL-1/2): claim, release, assignment (流转), moving an
account to another pool. One private `_transfer` writes every change of owner, so each leaves
the same trail: the account row (version moved on), an audit entry, an OwnerChange, a
PoolEvent, a fresh protection deadline and the event's search document (the account's own document
holds only its text, which a change of owner leaves as it is).

Claims are atomic. Each claim locks the claimer's own user row first and then the account:
the account lock lets exactly one of many simultaneous claimers win, and the user lock keeps
one rep's parallel claims of different accounts from overshooting their limits. (On SQLite
every write transaction is already serialised by `BEGIN IMMEDIATE`.) Locks are always taken in
that order — user, then account — so claims cannot deadlock each other.
"""

from datetime import datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Func, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kam.accounts.enums import AccountStatus
from kam.accounts.models import Account, OwnerChange
from kam.accounts.rules import account_can_edit, account_visibility_q, owner_scope_ids
from kam.audit.services import audit_record_changes, audit_snapshot
from kam.core.versioning import stale_record_error
from kam.notifications.enums import NotificationKind
from kam.notifications.services import notify
from kam.pools.enums import PoolEventKind, RecallTrigger
from kam.pools.models import Placement, Pool, PoolEvent
from kam.pools.rules import (
    CLAIMING_ROLES,
    pool_can_configure,
    pool_claim_refusal,
    pool_team_barred,
)
from kam.pools.services.protection import (
    DeadlineFacts,
    deadline_columns,
    deadline_facts,
    is_lapsed,
    placement_refresh,
    pool_for_account,
    rules_columns,
)
from kam.search.services import search_index_pool_event
from kam.users.enums import Role
from kam.users.models import User

LOCKOUT_KINDS = (PoolEventKind.RELEASE, PoolEventKind.RECALL)
ASSIGNING_ROLES = frozenset({Role.SALES_MANAGER, Role.SALES_DIRECTOR})


def pool_accounts_q(pool: Pool, prefix: str = "") -> Q:
    """Accounts placed in `pool`; the default pool also holds accounts not yet placed."""
    placed = Q(**{f"{prefix}placement__pool": pool})
    if pool.is_default:
        placed |= Q(**{f"{prefix}placement__isnull": True})
    return placed


def user_local_day_start(user: User, now: datetime) -> datetime:
    zone = ZoneInfo(user.time_zone or "Asia/Shanghai")
    local = now.astimezone(zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _owned(user: User, pool: Pool) -> QuerySet[Account]:
    return Account.objects.filter(pool_accounts_q(pool), owner=user, status=AccountStatus.PROSPECT)


def pool_owned_count(user: User, pool: Pool) -> int:
    return _owned(user, pool).count()


class Holdings(NamedTuple):
    owned: int  # prospects of the pool the user holds
    claimed_today: int  # claims from the pool since the user's local midnight
    # When the user last gave the account asked about up, within the pool's lockout; else None.
    given_up_at: datetime | None = None


def _count(rows: QuerySet[Any]) -> Subquery:
    # COUNT as a plain function, so no GROUP BY: one row, the count of all of `rows`.
    return Subquery(rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"))


def _given_up(account: Account, user: User, pool: Pool, now: datetime) -> Subquery:
    since = now - timedelta(days=pool.reclaim_lockout_days)
    events = PoolEvent.objects.filter(
        account=account, from_owner=user, kind__in=LOCKOUT_KINDS, at__gt=since
    )
    return Subquery(events.order_by("-at").values("at")[:1])


def pool_holdings(
    user: User, pool: Pool, now: datetime, account: Account | None = None
) -> Holdings:
    """Both counts a claim is limited by and, with `account`, when the user last gave it up
    (if the pool locks them out), in one query. A claim reads them after locking the
    claimer's row (a statement of their own: it must see claims committed while it waited)."""
    claims = PoolEvent.objects.filter(
        actor=user, pool=pool, kind=PoolEventKind.CLAIM, at__gte=user_local_day_start(user, now)
    )
    columns = [_count(_owned(user, pool)), _count(claims)]
    if account is not None and pool.reclaim_lockout_days:
        columns.append(_given_up(account, user, pool, now))
    owned, claimed_today, *given_up = User.objects.filter(pk=user.pk).values_list(*columns).get()
    return Holdings(owned, claimed_today, given_up[0] if given_up else None)


def pool_lockout_until(holdings: Holdings, pool: Pool) -> datetime | None:
    """When the user may claim the account `holdings` was read for again after giving it up,
    or None if they may now."""
    if holdings.given_up_at is None:
        return None
    return holdings.given_up_at + timedelta(days=pool.reclaim_lockout_days)


def _refused(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


# FOR NO KEY UPDATE: rows inserted by other transactions that merely reference the user or the
# account (events, audit rows) take KEY SHARE locks, which this does not block — a plain FOR
# UPDATE on the user row could deadlock with a claim that records that user as former owner.
def _lock_user(user: User) -> None:
    if not connection.features.has_select_for_update:
        return  # SQLite: the transaction's BEGIN IMMEDIATE already serialises every write
    list(
        User.objects.select_for_update(no_key=True).filter(pk=user.pk).values_list("pk", flat=True)
    )


def _lock_account(account_id: int, *, claimer: User | None = None) -> Account:
    """The account, locked. For a claim, only if the claimer sees it (decided under the lock,
    so a claim never takes an account that stopped being visible while it waited), and with
    its deals' facts for the new deadline (`deadline_columns`)."""
    accounts = Account.objects.select_for_update(no_key=True)
    if claimer is not None:
        accounts = accounts.filter(account_visibility_q(claimer)).annotate(**deadline_columns())
    try:
        return accounts.get(pk=account_id)
    except Account.DoesNotExist:
        raise _refused(_("该客户不存在或已被合并。"), "missing") from None


def _placement(account: Account, *, claimer: User | None = None) -> Placement:
    """The account's placement, locked, with its pool. For a claim, also whether the pool's
    teams bar the claimer's (`team_barred`) and the account grade's rules (`rules_columns`),
    unless the placement is new (then the claim reads them itself)."""
    # The pool comes with the row, unlocked (OF self): locking it would queue every claim of
    # the pool behind one another. A placement's pool only changes under its account's lock
    # (_transfer, pool_move), which every caller holds or has taken by writing the account, so
    # the join cannot change while this waits (PostgreSQL would then drop the row).
    placements = (
        Placement.objects.select_for_update(no_key=True, of=("self",))
        .select_related("pool")
        .filter(account_id=account.pk)
    )
    if claimer is not None:
        placements = placements.annotate(
            team_barred=pool_team_barred(claimer), **rules_columns(account.grade)
        )
    placement = placements.first()
    if placement is None:
        placement = placement_refresh(account)
    return placement


def _trigger_text(placement: Placement) -> str:
    if not placement.lapse_trigger:
        return ""
    return str(RecallTrigger(placement.lapse_trigger).label)


def _record_recall(*, account: Account, placement: Placement, now: datetime) -> None:
    """The lapsed owner loses the account before anyone else takes it: their own event."""
    event = PoolEvent.objects.create(
        account=account, pool=placement.pool, kind=PoolEventKind.RECALL,
        from_owner_id=account.owner_id, reason=_("保护期已过（%(why)s）") % {
            "why": _trigger_text(placement)
        }, at=now,
    )  # fmt: skip
    search_index_pool_event(event)


def _transfer(
    *,
    account: Account,
    placement: Placement,
    to_user: User | None,
    actor: User | None,
    kind: str,
    reason: str,
    now: datetime,
    facts: DeadlineFacts | None = None,
) -> Account:
    from_owner_id = account.owner_id
    before = audit_snapshot(account, ["owner", "team"])
    team = to_user.team if to_user is not None else None
    Account.objects.filter(pk=account.pk).update(
        owner=to_user, team=team, version=F("version") + 1, updated_at=now
    )
    account.owner, account.team = to_user, team
    account.version += 1
    account.updated_at = now
    audit_record_changes(instance=account, before=before, actor=actor)
    OwnerChange.objects.create(
        account=account, from_owner_id=from_owner_id, to_owner=to_user,
        reason=(reason or str(PoolEventKind(kind).label))[:200], actor=actor,
    )  # fmt: skip
    event = PoolEvent.objects.create(
        account=account, pool=placement.pool, kind=kind, from_owner_id=from_owner_id,
        to_owner=to_user, actor=actor, reason=reason[:200], at=now,
    )  # fmt: skip
    search_index_pool_event(event)
    if to_user is None:
        # Back in the pool: the account goes to whichever pool its data matches now.
        placement.pool = pool_for_account(account)
        Placement.objects.filter(pk=placement.pk).update(pool=placement.pool)
    placement_refresh(
        account, claimed_at=now if to_user is not None else None, placement=placement,
        facts=facts,
    )  # fmt: skip
    return account


def _notify_lost(account: Account, former_owner_id: int | None, *, title: str, body: str) -> None:
    if former_owner_id is None:
        return
    former = User.objects.filter(pk=former_owner_id).select_related("manager").first()
    if former is None:
        return
    notify(
        recipients=[former], kind=NotificationKind.POOL, title=title, body=body,
        url=account.get_absolute_url(), subject=account,
    )  # fmt: skip


@transaction.atomic
def pool_claim(*, account_id: int, actor: User, now: datetime | None = None) -> Account:
    """`actor` takes the account from the pool (or from an owner whose protection lapsed).

    Refusals are ValidationErrors with a message for the claimer and a `code`: taken,
    protected, customer, own, locked_out, owned_limit, daily_limit; PermissionDenied when the
    actor may not claim from this pool at all.
    """
    now = now or timezone.now()
    _lock_user(actor)
    account = _lock_account(account_id, claimer=actor)
    placement = _placement(account, claimer=actor)
    pool = placement.pool
    refusal = pool_claim_refusal(actor, pool, team_barred=getattr(placement, "team_barred", None))
    if refusal:
        raise PermissionDenied(refusal)
    if account.owner_id == actor.pk:
        raise _refused(_("你已经是该客户的客户经理。"), "own")
    lapsed = is_lapsed(placement, now)
    if account.owner_id is not None and not lapsed:
        owner = User.objects.filter(pk=account.owner_id).first()
        if placement.protected_until is None:
            raise _refused(
                _("“%(name)s”已被 %(owner)s 领取。") % {"name": account.name, "owner": owner},
                "taken",
            )
        raise _refused(
            _("“%(name)s”在 %(owner)s 的保护期内（至 %(until)s）。")
            % {
                "name": account.name,
                "owner": owner,
                "until": date_format(timezone.localtime(placement.protected_until), "Y-m-d"),
            },
            "protected",
        )
    if account.status != AccountStatus.PROSPECT:
        raise _refused(_("已合作的客户不能从公海领取。"), "customer")
    holdings = pool_holdings(actor, pool, now, account)
    locked_until = pool_lockout_until(holdings, pool)
    if locked_until is not None:
        raise _refused(
            _("你曾放弃该客户，%(day)s 之后才能重新领取。")
            % {"day": date_format(timezone.localtime(locked_until), "Y-m-d")},
            "locked_out",
        )
    if holdings.owned >= pool.max_owned:
        raise _refused(
            _("你在“%(pool)s”已持有 %(max)s 家潜在客户，达到上限。")
            % {"pool": pool.name, "max": pool.max_owned},
            "owned_limit",
        )
    if holdings.claimed_today >= pool.max_claims_per_day:
        raise _refused(
            _("你今天已从“%(pool)s”领取 %(max)s 家客户，达到每日上限。")
            % {"pool": pool.name, "max": pool.max_claims_per_day},
            "daily_limit",
        )
    former_owner_id = account.owner_id
    if lapsed:
        _record_recall(account=account, placement=placement, now=now)
    # A new placement was read without the claim's columns.
    facts = deadline_facts(account, placement) if hasattr(placement, "team_barred") else None
    _transfer(
        account=account, placement=placement, to_user=actor, actor=actor,
        kind=PoolEventKind.CLAIM, reason="", now=now, facts=facts,
    )  # fmt: skip
    _notify_lost(
        account, former_owner_id,
        title=_("客户“%(name)s”保护期已过，已被 %(who)s 领取") % {
            "name": account.name, "who": actor
        },
        body=_("原因：%(why)s") % {"why": _trigger_text(placement)},
    )  # fmt: skip
    return account


@transaction.atomic
def pool_release(*, account: Account, actor: User, reason: str, version: int) -> Account:
    """The owner (or a manager above them) gives the account back to the pool."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写释放原因。")]})
    if account.owner_id is None:
        raise _refused(_("该客户已在公海中。"), "in_pool")
    if not account_can_edit(actor, account):
        raise PermissionDenied(_("只有客户经理及其上级可以释放客户。"))
    locked = _lock_account(account.pk)
    if locked.version != version:
        raise stale_record_error()
    placement = _placement(locked)
    former_owner_id = locked.owner_id
    _transfer(
        account=locked, placement=placement, to_user=None, actor=actor,
        kind=PoolEventKind.RELEASE, reason=reason, now=timezone.now(),
    )  # fmt: skip
    if former_owner_id != actor.pk:
        _notify_lost(
            locked, former_owner_id,
            title=_("客户“%(name)s”已被 %(who)s 释放到公海") % {"name": locked.name, "who": actor},
            body=reason,
        )  # fmt: skip
    return locked


def pool_can_assign(actor: User, account: Account, placement: Placement | None) -> bool:
    """Configurers assign anything; a manager assigns pool, lapsed and their own line's
    accounts."""
    if not actor.is_authenticated or not actor.is_active:
        return False
    if actor.sees_everything or pool_can_configure(actor):
        return True
    if actor.role not in ASSIGNING_ROLES:
        return False
    return (
        account.owner_id is None
        or is_lapsed(placement)
        or account.owner_id in owner_scope_ids(actor)
    )


@transaction.atomic
def pool_assign(*, account_id: int, to_user: User, actor: User, reason: str = "") -> Account:
    """流转: a manager hands an account (from the pool, a lapsed owner, or one of their reps)
    to a rep in their line. The receiver's holding limit applies; the daily claim limit and
    the reclaim lockout do not — those guard self-service claims, not a manager's decision."""
    now = timezone.now()
    if not to_user.is_active or to_user.role not in CLAIMING_ROLES:
        raise ValidationError({"to_user": [_("只能分配给在职的客户经理或销售经理。")]})
    if not actor.sees_everything and to_user.pk not in owner_scope_ids(actor):
        raise PermissionDenied(_("只能分配给你下属的客户经理。"))
    _lock_user(to_user)
    account = _lock_account(account_id)
    placement = _placement(account)
    if not pool_can_assign(actor, account, placement):
        raise PermissionDenied(_("你不能分配这个客户。"))
    if account.owner_id == to_user.pk:
        raise ValidationError({"to_user": [_("该客户已经属于 %(who)s。") % {"who": to_user}]})
    pool = placement.pool
    if account.status == AccountStatus.PROSPECT and pool_owned_count(to_user, pool) >= (
        pool.max_owned
    ):
        raise ValidationError(
            {
                "to_user": [
                    _("%(who)s 在“%(pool)s”已持有 %(max)s 家潜在客户，达到上限。")
                    % {"who": to_user, "pool": pool.name, "max": pool.max_owned}
                ]
            }
        )
    former_owner_id = account.owner_id
    if is_lapsed(placement, now):
        _record_recall(account=account, placement=placement, now=now)
    _transfer(
        account=account, placement=placement, to_user=to_user, actor=actor,
        kind=PoolEventKind.ASSIGN, reason=reason.strip(), now=now,
    )  # fmt: skip
    notify(
        recipients=[to_user], kind=NotificationKind.POOL,
        title=_("%(who)s 把客户“%(name)s”分配给你") % {"who": actor, "name": account.name},
        body=reason, url=account.get_absolute_url(), subject=account,
    )  # fmt: skip
    if former_owner_id not in (None, actor.pk):
        _notify_lost(
            account, former_owner_id,
            title=_("客户“%(name)s”已由 %(who)s 转给 %(to)s")
            % {"name": account.name, "who": actor, "to": to_user},
            body=reason,
        )  # fmt: skip
    return account


@transaction.atomic
def pool_move(*, account_id: int, pool: Pool, actor: User) -> Placement:
    """Put an account in another pool (its rules and limits then apply)."""
    if not pool_can_configure(actor):
        raise PermissionDenied(_("只有销售总监、总经理和管理员可以调整公海。"))
    account = _lock_account(account_id)
    placement = _placement(account)
    if placement.pool_id == pool.pk:
        raise ValidationError({"pool": [_("该客户已在“%(pool)s”。") % {"pool": pool.name}]})
    event = PoolEvent.objects.create(
        account=account, pool=pool, kind=PoolEventKind.MOVE, from_owner_id=account.owner_id,
        to_owner_id=account.owner_id, actor=actor,
        reason=_("从“%(old)s”调整到“%(new)s”") % {"old": placement.pool.name, "new": pool.name},
        at=timezone.now(),
    )  # fmt: skip
    search_index_pool_event(event)
    Placement.objects.filter(pk=placement.pk).update(pool=pool)
    return placement_refresh(account)


def placement_owner_changed(
    *, account: Account, from_owner_id: int | None, actor: User, reason: str
) -> None:
    """Bookkeeping for an owner change made by the accounts' own service (a manager's
    reassignment): the pool history and the new owner's protection clock."""
    now = timezone.now()
    placement = _placement(account)
    kind = PoolEventKind.RELEASE if account.owner_id is None else PoolEventKind.ASSIGN
    event = PoolEvent.objects.create(
        account=account, pool=placement.pool, kind=kind, from_owner_id=from_owner_id,
        to_owner_id=account.owner_id, actor=actor, reason=reason[:200], at=now,
    )  # fmt: skip
    search_index_pool_event(event)
    placement_refresh(account, claimed_at=now if account.owner_id is not None else None)
