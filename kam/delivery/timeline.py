"""Sign-offs on the account timeline: each change of a chain member's sign-off status, read
from the field history the sign-off service writes."""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.audit.models import FieldChange
from kam.delivery.models import DeliveryChainMember
from kam.interactions.selectors import TimelineItem


def signoff_items(account: Account, before: datetime | None, limit: int) -> list[TimelineItem]:
    members = {
        m.pk: m
        for m in DeliveryChainMember.objects.filter(contract__account_id=account.pk).select_related(
            "contact", "contract"
        )
    }
    if not members:
        return []
    changes = (
        FieldChange.objects.filter(
            content_type=ContentType.objects.get_for_model(DeliveryChainMember),
            object_id__in=list(members),
            field="signoff_status",
        )
        .select_related("actor")
        .order_by("-changed_at", "-pk")
    )
    if before is not None:
        changes = changes.filter(changed_at__lt=before)
    items = []
    for change in changes[:limit]:
        member = members[change.object_id]
        names = {
            "person": member.contact.name,
            "contract": member.contract.name,
            "status": change.new_value,
        }
        items.append(
            TimelineItem(
                at=change.changed_at,
                kind="delivery",
                label=_("交付签核"),
                title=_("%(person)s 对合同“%(contract)s”：%(status)s") % names,
                detail=member.signoff_note,
                url=reverse("delivery:chain", args=[member.contract_id]),
                actor=str(change.actor) if change.actor else "",
                obj=member,
                tiebreak=change.pk,
            )
        )
    return items
