"""Contract events on the account timeline: created, submitted, signed, delivered, accepted.
Read from the contract's field history, which every state change already writes."""

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from kam.audit.models import FieldChange
from kam.audit.selectors import field_changes_of_model
from kam.contracts.models import Contract
from kam.interactions.selectors import TimelineItem, TimelineSource, user_text

EVENT_FIELDS = ("status", "delivered_on", "accepted_on")


def _title(values: dict[str, Any]) -> str:
    names = {"name": values["contract"], "old": values["old"], "new": values["new"]}
    if values["field"] == "delivered_on":
        return _("合同“%(name)s”登记到货（%(new)s）") % names
    if values["field"] == "accepted_on":
        return _("合同“%(name)s”登记验收（%(new)s）") % names
    if not values["old"]:
        return _("创建了合同“%(name)s”") % names
    return _("合同“%(name)s”：%(old)s → %(new)s") % names


def _contract_events(account_id: int) -> QuerySet[FieldChange]:
    return field_changes_of_model(Contract).filter(
        object_id__in=Contract.objects.filter(account_id=account_id).values("pk"),
        field__in=EVENT_FIELDS,
    )


def _contract_event_item(values: dict[str, Any]) -> TimelineItem:
    return TimelineItem(
        at=values["at"],
        kind="contract",
        label=_("合同"),
        title=_title(values),
        url=reverse("contracts:detail", args=[values["contract_id"]]),
        actor=values["actor"] or "",
        tiebreak=values["pk"],
    )


contract_event_source = TimelineSource(
    events=_contract_events,
    at="changed_at",
    kind="contract",
    show={
        "field": "field",
        "old": "old_value",
        "new": "new_value",
        "actor": user_text("actor"),
        "contract_id": "object_id",
        "contract": Subquery(Contract.objects.filter(pk=OuterRef("object_id")).values("name")),
    },
    item=_contract_event_item,
)
