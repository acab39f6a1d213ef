"""Claims, releases, recalls and assignments on the account timeline."""

from typing import Any

from django.utils.translation import gettext as _

from kam.interactions.selectors import TimelineItem, TimelineSource, user_text
from kam.pools.enums import PoolEventKind
from kam.pools.models import PoolEvent


def _title(values: dict[str, Any]) -> str:
    names = {
        "from": values["from_owner"] or "",
        "to": values["to_owner"] or "",
        "pool": values["pool"],
    }
    titles = {
        PoolEventKind.CLAIM: _("%(to)s 从“%(pool)s”领取了客户"),
        PoolEventKind.RELEASE: _("%(from)s 把客户释放到“%(pool)s”"),
        PoolEventKind.RECALL: _("%(from)s 的保护期已过，客户回到“%(pool)s”"),
        PoolEventKind.ASSIGN: _("客户分配给 %(to)s"),
        PoolEventKind.MOVE: _("客户调整到“%(pool)s”"),
    }
    return str(titles[PoolEventKind(values["kind"])] % names)


def _pool_event_item(values: dict[str, Any]) -> TimelineItem:
    return TimelineItem(
        at=values["at"],
        kind="pool",
        label=_("公海"),
        title=_title(values),
        detail=values["reason"],
        actor=values["actor"] or "",
        tiebreak=values["pk"],
    )


pool_event_source = TimelineSource(
    events=lambda account_id: PoolEvent.objects.filter(account_id=account_id),
    at="at",
    kind="pool",
    show={
        "kind": "kind",
        "pool": "pool__name",
        "from_owner": user_text("from_owner"),
        "to_owner": user_text("to_owner"),
        "reason": "reason",
        "actor": user_text("actor"),
    },
    item=_pool_event_item,
)
