"""Opportunity events on the account timeline (R-ACT-3): creation and every stage move."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kam.interactions.selectors import TimelineItem, TimelineSource
from kam.opportunities.models import StageMove


def _stage_move_items(rows: QuerySet[StageMove]) -> list[TimelineItem]:
    items = []
    for move in rows.select_related("opportunity", "from_stage", "to_stage", "actor"):
        opportunity = move.opportunity
        if move.from_stage is None:
            title = _("新建商机“%(name)s”") % {"name": opportunity.name}
        else:
            title = _("商机“%(name)s”：%(old)s → %(new)s") % {
                "name": opportunity.name,
                "old": move.from_stage.display_name,
                "new": move.to_stage.display_name,
            }
        detail = _("越过关卡：%(reason)s") % {"reason": move.bypass_reason} if move.bypassed else ""
        items.append(
            TimelineItem(
                at=move.moved_at,
                kind="stage",
                label=_("商机"),
                title=str(title),
                detail=str(detail),
                url=opportunity.get_absolute_url(),
                actor=str(move.actor) if move.actor else "",
                obj=move,
                tiebreak=move.pk,
            )
        )
    return items


stage_move_source = TimelineSource(
    events=lambda account: StageMove.objects.filter(opportunity__account_id=account.pk),
    at="moved_at",
    kind="stage",
    items=_stage_move_items,
)
