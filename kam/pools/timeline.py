"""Claims, releases, recalls and assignments on the account timeline."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kam.interactions.selectors import TimelineItem, TimelineSource
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


def _pool_event_items(rows: QuerySet[PoolEvent]) -> list[TimelineItem]:
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
        for event in rows.select_related("pool", "from_owner", "to_owner", "actor")
    ]


pool_event_source = TimelineSource(
    events=lambda account: PoolEvent.objects.filter(account_id=account.pk),
    at="at",
    kind="pool",
    items=_pool_event_items,
)
