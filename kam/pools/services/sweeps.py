"""The scheduled side of the pool: warn owners before their protection ends, and move lapsed
accounts back to the pool. Both are safe to run any number of times, on any number of workers:
a warning is claimed with a conditional update before it is sent, and a recall re-checks the
deadline under the account's lock. Claims never wait for these jobs (see protection.py)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kam.notifications.enums import NotificationKind
from kam.notifications.services import notify
from kam.pools.enums import PoolEventKind, RecallTrigger
from kam.pools.models import Placement, Pool
from kam.pools.services.claims import _lock_account, _placement, _transfer
from kam.pools.services.protection import is_lapsed, placement_refresh
from kam.users.models import User


def _why(trigger: str) -> str:
    return str(RecallTrigger(trigger).label) if trigger else ""


def pool_warn_expiring(*, now: datetime | None = None) -> int:
    """Tell each owner, once per deadline, that an account goes back to the pool within the
    pool's warning window."""
    now = now or timezone.now()
    sent = 0
    for pool in Pool.objects.filter(warn_days__gt=0):
        due = Placement.objects.filter(
            pool=pool, warned_at__isnull=True, account__owner__isnull=False,
            protected_until__gte=now, protected_until__lte=now + timedelta(days=pool.warn_days),
        ).values_list("account_id", flat=True)  # fmt: skip
        for account_id in list(due):
            with transaction.atomic():
                claimed = Placement.objects.filter(
                    account_id=account_id, warned_at__isnull=True
                ).update(warned_at=now)
                if not claimed:
                    continue
                placement = Placement.objects.select_related("account__owner").get(
                    account_id=account_id
                )
                account = placement.account
                until = placement.protected_until
                if until is None or account.owner is None:
                    continue
                notify(
                    recipients=[account.owner], kind=NotificationKind.POOL,
                    title=_("客户“%(name)s”将于 %(day)s 回收到公海") % {
                        "name": account.name,
                        "day": date_format(timezone.localtime(until), "Y-m-d"),
                    },
                    body=_("原因：%(why)s。跟进客户或推进商机即可延长保护期。") % {
                        "why": _why(placement.lapse_trigger)
                    },
                    url=account.get_absolute_url(), subject=account,
                    dedupe_key=f"pool-warn:{account.pk}:{until:%Y%m%d}",
                )  # fmt: skip
                sent += 1
    return sent


def pool_recall_lapsed(*, now: datetime | None = None) -> int:
    """Return every lapsed account to the pool and tell its former owner and their manager."""
    now = now or timezone.now()
    recalled = 0
    lapsed = Placement.objects.filter(
        protected_until__lt=now, account__owner__isnull=False
    ).values_list("account_id", flat=True)
    for account_id in list(lapsed):
        with transaction.atomic():
            account = _lock_account(account_id)
            if account.owner_id is None:
                continue
            # Re-derive under the lock: a follow-up logged a moment ago extends the protection.
            placement = placement_refresh(account)
            if not is_lapsed(placement, now):
                continue
            placement = _placement(account)
            former = User.objects.select_related("manager").get(pk=account.owner_id)
            why = _why(placement.lapse_trigger)
            _transfer(
                account=account, placement=placement, to_user=None, actor=None,
                kind=PoolEventKind.RECALL, reason=_("保护期已过（%(why)s）") % {"why": why},
                now=now,
            )  # fmt: skip
            notify(
                recipients=[former, former.manager], kind=NotificationKind.POOL,
                title=_("客户“%(name)s”已回收到公海") % {"name": account.name},
                body=_("%(owner)s 的保护期已过（%(why)s）。") % {"owner": former, "why": why},
                url=account.get_absolute_url(), subject=account,
                dedupe_key=f"pool-recall:{account.pk}:{now:%Y%m%d%H%M}",
            )  # fmt: skip
            recalled += 1
    return recalled
