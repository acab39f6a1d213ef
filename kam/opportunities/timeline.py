"""Opportunity events on the account timeline (R-ACT-3): creation and every stage move."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from kam.interactions.selectors import TimelineItem, TimelineSource, user_text
from kam.opportunities.models import StageMove, localised


def _stage_move_item(values: dict[str, Any]) -> TimelineItem:
    if values["from_stage_id"] is None:
        title = _("新建商机“%(name)s”") % {"name": values["name"]}
    else:
        title = _("商机“%(name)s”：%(old)s → %(new)s") % {
            "name": values["name"],
            "old": localised(values["from_zh"], values["from_en"]),
            "new": localised(values["to_zh"], values["to_en"]),
        }
    detail = (
        _("越过关卡：%(reason)s") % {"reason": values["bypass_reason"]}
        if values["bypassed"]
        else ""
    )
    return TimelineItem(
        at=values["at"],
        kind="stage",
        label=_("商机"),
        title=str(title),
        detail=str(detail),
        url=reverse("opportunities:detail", args=[values["opportunity_id"]]),
        actor=values["actor"] or "",
        tiebreak=values["pk"],
    )


stage_move_source = TimelineSource(
    events=lambda account_id: StageMove.objects.filter(opportunity__account_id=account_id),
    at="moved_at",
    kind="stage",
    # Stage names in both languages: the item picks the request's (`Stage.display_name`).
    show={
        "name": "opportunity__name",
        "opportunity_id": "opportunity_id",
        "from_stage_id": "from_stage_id",
        "from_zh": "from_stage__name_zh",
        "from_en": "from_stage__name_en",
        "to_zh": "to_stage__name_zh",
        "to_en": "to_stage__name_en",
        "bypassed": "bypassed",
        "bypass_reason": "bypass_reason",
        "actor": user_text("actor"),
    },
    item=_stage_move_item,
)
