"""Class changes of an account's deals and leads on the account timeline (R-ACT-3, R-INT-1)."""

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from kam.intents.models import IntentChange
from kam.interactions.selectors import TimelineItem, TimelineSource


def _intent_change_items(rows: QuerySet[IntentChange]) -> list[TimelineItem]:
    items = []
    for change in rows.select_related("opportunity", "lead", "actor"):
        if change.opportunity is not None:
            name, url = change.opportunity.name, change.opportunity.get_absolute_url()
        else:
            assert change.lead is not None  # noqa: S101 - the check constraint guarantees one
            name, url = change.lead.company_name, reverse("leads:detail", args=[change.lead.pk])
        title = _("“%(name)s”意向等级：%(old)s → %(new)s") % {
            "name": name,
            "old": change.from_class or _("未分级"),
            "new": change.to_class or _("未分级"),
        }
        items.append(
            TimelineItem(
                at=change.changed_at,
                kind="intent",
                label=_("意向等级"),
                title=str(title),
                detail=change.reason,
                url=url,
                actor=str(change.actor) if change.actor else "",
                obj=change,
                tiebreak=change.pk,
            )
        )
    return items


intent_change_source = TimelineSource(
    events=lambda account: IntentChange.objects.filter(
        Q(opportunity__account_id=account.pk) | Q(lead__account_id=account.pk)
    ),
    at="changed_at",
    kind="intent",
    items=_intent_change_items,
)
