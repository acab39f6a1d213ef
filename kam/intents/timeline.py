"""Class changes of an account's deals and leads on the account timeline (R-ACT-3, R-INT-1)."""

from typing import Any

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from kam.intents.models import IntentChange
from kam.interactions.selectors import TimelineItem, TimelineSource, user_text


def _intent_change_item(values: dict[str, Any]) -> TimelineItem:
    if values["opportunity_id"] is not None:
        url = reverse("opportunities:detail", args=[values["opportunity_id"]])
    else:
        url = reverse("leads:detail", args=[values["lead_id"]])
    title = _("“%(name)s”意向等级：%(old)s → %(new)s") % {
        "name": values["name"],
        "old": values["from_class"] or _("未分级"),
        "new": values["to_class"] or _("未分级"),
    }
    return TimelineItem(
        at=values["at"],
        kind="intent",
        label=_("意向等级"),
        title=str(title),
        detail=values["reason"],
        url=url,
        actor=values["actor"] or "",
        tiebreak=values["pk"],
    )


intent_change_source = TimelineSource(
    events=lambda account_id: IntentChange.objects.filter(
        Q(opportunity__account_id=account_id) | Q(lead__account_id=account_id)
    ),
    at="changed_at",
    kind="intent",
    # A change is a deal's or a lead's (a check constraint): the name is whichever has one.
    show={
        "opportunity_id": "opportunity_id",
        "lead_id": "lead_id",
        "name": Coalesce("opportunity__name", "lead__company_name"),
        "from_class": "from_class",
        "to_class": "to_class",
        "reason": "reason",
        "actor": user_text("actor"),
    },
    item=_intent_change_item,
)
