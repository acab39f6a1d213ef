"""Leads on the account timeline: a lead raised on the account, its conversion, and every
follow-up recorded while it was being qualified."""

from datetime import datetime

from django.db.models import F, Q
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.interactions.selectors import TimelineItem
from kam.leads.models import Lead, LeadFollowUp


def lead_items(account: Account, before: datetime | None, limit: int) -> list[TimelineItem]:
    """Creation and conversion, in one query: the `limit` leads whose latest event is newest
    hold every one of the newest `limit` events."""
    leads = Lead.objects.filter(account_id=account.pk).select_related(
        "owner", "created_by", "converted_opportunity"
    )
    if before is not None:
        leads = leads.filter(Q(created_at__lt=before) | Q(converted_at__lt=before))
    latest = Greatest(F("created_at"), Coalesce(F("converted_at"), F("created_at")))
    items: list[TimelineItem] = []
    for lead in leads.annotate(latest=latest).order_by("-latest", "-pk")[:limit]:
        url = reverse("leads:detail", args=[lead.pk])
        if before is None or lead.created_at < before:
            items.append(
                TimelineItem(
                    at=lead.created_at,
                    kind="lead",
                    label=_("线索"),
                    title=_("新线索“%(name)s”（%(source)s）")
                    % {"name": lead.company_name, "source": lead.get_source_display()},
                    url=url,
                    actor=str(lead.created_by),
                    obj=lead,
                    tiebreak=lead.pk,
                )
            )
        converted = lead.converted_at
        if converted is not None and (before is None or converted < before):
            deal = lead.converted_opportunity
            items.append(
                TimelineItem(
                    at=converted,
                    kind="lead",
                    label=_("线索"),
                    title=_("线索“%(name)s”转化为商机“%(deal)s”")
                    % {"name": lead.company_name, "deal": deal.name if deal else "—"},
                    url=deal.get_absolute_url() if deal else url,
                    actor=str(lead.owner),
                    obj=lead,
                    tiebreak=lead.pk,
                )
            )
    return items


def lead_follow_up_items(
    account: Account, before: datetime | None, limit: int
) -> list[TimelineItem]:
    rows = (
        LeadFollowUp.objects.filter(lead__account_id=account.pk)
        .select_related("lead", "actor")
        .order_by("-at", "-pk")
    )
    if before is not None:
        rows = rows.filter(at__lt=before)
    return [
        TimelineItem(
            at=row.at,
            kind="lead",
            label=_("线索跟进"),
            title=_("%(kind)s跟进线索“%(name)s”")
            % {"kind": row.get_kind_display(), "name": row.lead.company_name},
            detail=row.content,
            url=reverse("leads:detail", args=[row.lead_id]),
            actor=str(row.actor),
            obj=row,
            tiebreak=row.pk,
        )
        for row in rows[:limit]
    ]
