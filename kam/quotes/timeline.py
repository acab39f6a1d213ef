"""Quote versions on the account timeline (R-ACT-3)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from kam.core.choices import choice_label
from kam.interactions.selectors import TimelineItem, TimelineSource, user_text
from kam.quotes.enums import QuoteStatus
from kam.quotes.models import QuoteVersion


def _quote_item(values: dict[str, Any]) -> TimelineItem:
    return TimelineItem(
        at=values["at"],
        kind="quote",
        label=_("报价"),
        title=_("%(deal)s 报价第 %(no)s 版（%(status)s），不含税 %(total)s 元")
        % {
            "deal": values["deal"],
            "no": values["version_no"],
            "status": choice_label(QuoteStatus, values["status"]),
            "total": f"{values['net_total']:,.2f}",
        },
        url=reverse("quotes:detail", args=[values["pk"]]),
        actor=values["created_by"],
        tiebreak=values["pk"],
    )


quote_source = TimelineSource(
    events=lambda account_id: QuoteVersion.objects.filter(opportunity__account_id=account_id),
    at="created_at",
    kind="quote",
    show={
        "deal": "opportunity__name",
        "version_no": "version_no",
        "status": "status",
        "net_total": "net_total",
        "created_by": user_text("created_by"),
    },
    item=_quote_item,
)
