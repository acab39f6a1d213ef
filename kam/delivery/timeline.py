"""Sign-offs on the account timeline: each change of a chain member's sign-off status, read
from the field history the sign-off service writes."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.audit.models import FieldChange
from kam.delivery.models import DeliveryChainMember
from kam.interactions.selectors import TimelineItem, TimelineSource


def _signoff_events(account: Account) -> QuerySet[FieldChange]:
    return FieldChange.objects.filter(
        content_type=ContentType.objects.get_for_model(DeliveryChainMember),
        object_id__in=DeliveryChainMember.objects.filter(contract__account_id=account.pk).values(
            "pk"
        ),
        field="signoff_status",
    )


def _signoff_items(changes: QuerySet[FieldChange]) -> list[TimelineItem]:
    changes = changes.select_related("actor")
    members = DeliveryChainMember.objects.select_related("contact", "contract").in_bulk(
        [change.object_id for change in changes]
    )
    items = []
    for change in changes:
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


signoff_source = TimelineSource(
    events=_signoff_events, at="changed_at", kind="delivery", items=_signoff_items
)
