"""Claims, releases, recalls and assignments on the account timeline."""

from datetime import datetime

from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.interactions.selectors import TimelineItem
from kam.pools.enums import PoolEventKind
from kam.pools.models import PoolEvent


def _title(event: PoolEvent) -> str:
    names = {"from": event.from_owner or "", "to": event.to_owner or "", "pool": event.pool.name}
    titles = {
        PoolEventKind.CLAIM: _("%(to)s 从“%(pool)s”领取了客户"),
        PoolEventKind.RELEASE: _("%(from)s 把客户释放到“%(pool)s”"),
        PoolEventKind.RECALL: _("%(from)s 的保护期已过，客户回到“%(pool)s”"),
        PoolEventKind.ASSIGN: _("客户分配给 %(to)s"),
        PoolEventKind.MOVE: _("客户调整到“%(pool)s”"),
    }
    return str(titles[PoolEventKind(event.kind)] % names)


def pool_event_items(account: Account, before: datetime | None, limit: int) -> list[TimelineItem]:
    rows = (
        PoolEvent.objects.filter(account_id=account.pk)
        .select_related("pool", "from_owner", "to_owner", "actor")
        .order_by("-at", "-pk")
    )
    if before is not None:
        rows = rows.filter(at__lt=before)
    return [
        TimelineItem(
            at=event.at,
            kind="pool",
            label=_("公海"),
            title=_title(event),
            detail=event.reason,
            actor=str(event.actor) if event.actor else "",
            obj=event,
            tiebreak=event.pk,
        )
        for event in rows[:limit]
    ]
