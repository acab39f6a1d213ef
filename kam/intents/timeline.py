"""Class changes of an account's deals and leads on the account timeline (R-ACT-3, R-INT-1)."""

from datetime import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.intents.models import IntentChange
from kam.interactions.selectors import TimelineItem


def intent_change_items(
    account: Account, before: datetime | None, limit: int
) -> list[TimelineItem]:
    rows = (
        IntentChange.objects.filter(
            Q(opportunity__account_id=account.pk) | Q(lead__account_id=account.pk)
        )
        .select_related("opportunity", "lead", "actor")
        .order_by("-changed_at", "-pk")
    )
    if before is not None:
        rows = rows.filter(changed_at__lt=before)
    items = []
    for change in rows[:limit]:
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
