"""Leads on the account timeline: a lead raised on the account, its conversion, and every
follow-up recorded while it was being qualified."""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from kam.interactions.selectors import TimelineItem, TimelineSource
from kam.leads.models import Lead, LeadFollowUp


def _created_items(leads: QuerySet[Lead]) -> list[TimelineItem]:
    return [
        TimelineItem(
            at=lead.created_at,
            kind="lead",
            label=_("线索"),
            title=_("新线索“%(name)s”（%(source)s）")
            % {"name": lead.company_name, "source": lead.get_source_display()},
            url=reverse("leads:detail", args=[lead.pk]),
            actor=str(lead.created_by),
            obj=lead,
            tiebreak=lead.pk,
        )
        for lead in leads.select_related("created_by")
    ]


def _converted_items(leads: QuerySet[Lead]) -> list[TimelineItem]:
    items = []
    for lead in leads.select_related("owner", "converted_opportunity"):
        assert lead.converted_at is not None  # noqa: S101 - the source selects converted leads
        deal = lead.converted_opportunity
        items.append(
            TimelineItem(
                at=lead.converted_at,
                kind="lead",
                label=_("线索"),
                title=_("线索“%(name)s”转化为商机“%(deal)s”")
                % {"name": lead.company_name, "deal": deal.name if deal else "—"},
                url=deal.get_absolute_url() if deal else reverse("leads:detail", args=[lead.pk]),
                actor=str(lead.owner),
                obj=lead,
                tiebreak=lead.pk,
            )
        )
    return items


def _follow_up_items(rows: QuerySet[LeadFollowUp]) -> list[TimelineItem]:
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
        for row in rows.select_related("lead", "actor")
    ]


# A lead raised on the account and its conversion are two events of one row: two sources.
lead_created_source = TimelineSource(
    events=lambda account: Lead.objects.filter(account_id=account.pk),
    at="created_at",
    kind="lead",
    items=_created_items,
)
lead_converted_source = TimelineSource(
    events=lambda account: Lead.objects.filter(account_id=account.pk, converted_at__isnull=False),
    at="converted_at",
    kind="lead",
    items=_converted_items,
)
lead_follow_up_source = TimelineSource(
    events=lambda account: LeadFollowUp.objects.filter(lead__account_id=account.pk),
    at="at",
    kind="lead",
    items=_follow_up_items,
)
