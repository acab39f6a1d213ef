"""Leads on the account timeline: a lead raised on the account, its conversion, and every
follow-up recorded while it was being qualified."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from kam.core.choices import choice_label
from kam.interactions.selectors import TimelineItem, TimelineSource, user_text
from kam.leads.enums import FollowUpKind, LeadSource
from kam.leads.models import Lead, LeadFollowUp


def _created_item(values: dict[str, Any]) -> TimelineItem:
    return TimelineItem(
        at=values["at"],
        kind="lead",
        label=_("线索"),
        title=_("新线索“%(name)s”（%(source)s）")
        % {"name": values["name"], "source": choice_label(LeadSource, values["source"])},
        url=reverse("leads:detail", args=[values["pk"]]),
        actor=values["created_by"],
        tiebreak=values["pk"],
    )


def _converted_item(values: dict[str, Any]) -> TimelineItem:
    if values["deal_id"] is not None:
        deal, url = values["deal"], reverse("opportunities:detail", args=[values["deal_id"]])
    else:
        deal, url = "—", reverse("leads:detail", args=[values["pk"]])
    return TimelineItem(
        at=values["at"],
        kind="lead",
        label=_("线索"),
        title=_("线索“%(name)s”转化为商机“%(deal)s”") % {"name": values["name"], "deal": deal},
        url=url,
        actor=values["owner"],
        tiebreak=values["pk"],
    )


def _follow_up_item(values: dict[str, Any]) -> TimelineItem:
    return TimelineItem(
        at=values["at"],
        kind="lead",
        label=_("线索跟进"),
        title=_("%(kind)s跟进线索“%(name)s”")
        % {"kind": choice_label(FollowUpKind, values["kind"]), "name": values["name"]},
        detail=values["content"],
        url=reverse("leads:detail", args=[values["lead_id"]]),
        actor=values["actor"],
        tiebreak=values["pk"],
    )


# A lead raised on the account and its conversion are two events of one row: two sources.
lead_created_source = TimelineSource(
    events=lambda account_id: Lead.objects.filter(account_id=account_id),
    at="created_at",
    kind="lead",
    show={"name": "company_name", "source": "source", "created_by": user_text("created_by")},
    item=_created_item,
)
lead_converted_source = TimelineSource(
    events=lambda account_id: Lead.objects.filter(
        account_id=account_id, converted_at__isnull=False
    ),
    at="converted_at",
    kind="lead",
    show={
        "name": "company_name",
        "deal_id": "converted_opportunity_id",
        "deal": "converted_opportunity__name",
        "owner": user_text("owner"),
    },
    item=_converted_item,
)
lead_follow_up_source = TimelineSource(
    events=lambda account_id: LeadFollowUp.objects.filter(lead__account_id=account_id),
    at="at",
    kind="lead",
    show={
        "kind": "kind",
        "name": "lead__company_name",
        "lead_id": "lead_id",
        "content": "content",
        "actor": user_text("actor"),
    },
    item=_follow_up_item,
)
