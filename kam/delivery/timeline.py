"""Sign-offs on the account timeline: each change of a chain member's sign-off status, read
from the field history the sign-off service writes."""

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from kam.audit.models import FieldChange
from kam.audit.selectors import field_changes_of_model
from kam.delivery.models import DeliveryChainMember
from kam.interactions.selectors import TimelineItem, TimelineSource, user_text


def _signoff_events(account_id: int) -> QuerySet[FieldChange]:
    return field_changes_of_model(DeliveryChainMember).filter(
        object_id__in=DeliveryChainMember.objects.filter(contract__account_id=account_id).values(
            "pk"
        ),
        field="signoff_status",
    )


def _member(path: str) -> Subquery:
    """`path` of the chain member the change is about."""
    return Subquery(DeliveryChainMember.objects.filter(pk=OuterRef("object_id")).values(path))


def _signoff_item(values: dict[str, Any]) -> TimelineItem:
    names = {"person": values["person"], "contract": values["contract"], "status": values["new"]}
    return TimelineItem(
        at=values["at"],
        kind="delivery",
        label=_("交付签核"),
        title=_("%(person)s 对合同“%(contract)s”：%(status)s") % names,
        detail=values["note"],
        url=reverse("delivery:chain", args=[values["contract_id"]]),
        actor=values["actor"] or "",
        tiebreak=values["pk"],
    )


signoff_source = TimelineSource(
    events=_signoff_events,
    at="changed_at",
    kind="delivery",
    show={
        "new": "new_value",
        "actor": user_text("actor"),
        "person": _member("contact__name"),
        "contract": _member("contract__name"),
        "contract_id": _member("contract_id"),
        "note": _member("signoff_note"),
    },
    item=_signoff_item,
)
