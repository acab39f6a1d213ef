"""Contract events on the account timeline: created, submitted, signed, delivered, accepted.
Read from the contract's field history, which every state change already writes."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.audit.models import FieldChange
from kam.contracts.models import Contract
from kam.interactions.selectors import TimelineItem, TimelineSource

EVENT_FIELDS = ("status", "delivered_on", "accepted_on")


def _title(change: FieldChange, contract: Contract) -> str:
    names = {"name": contract.name, "old": change.old_value, "new": change.new_value}
    if change.field == "delivered_on":
        return _("合同“%(name)s”登记到货（%(new)s）") % names
    if change.field == "accepted_on":
        return _("合同“%(name)s”登记验收（%(new)s）") % names
    if not change.old_value:
        return _("创建了合同“%(name)s”") % names
    return _("合同“%(name)s”：%(old)s → %(new)s") % names


def _contract_events(account: Account) -> QuerySet[FieldChange]:
    return FieldChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Contract),
        object_id__in=Contract.objects.filter(account_id=account.pk).values("pk"),
        field__in=EVENT_FIELDS,
    )


def _contract_event_items(changes: QuerySet[FieldChange]) -> list[TimelineItem]:
    changes = changes.select_related("actor")
    contracts = Contract.objects.in_bulk([change.object_id for change in changes])
    items = []
    for change in changes:
        contract = contracts[change.object_id]
        items.append(
            TimelineItem(
                at=change.changed_at,
                kind="contract",
                label=_("合同"),
                title=_title(change, contract),
                url=contract.get_absolute_url(),
                actor=str(change.actor) if change.actor else "",
                obj=contract,
                tiebreak=change.pk,
            )
        )
    return items


contract_event_source = TimelineSource(
    events=_contract_events, at="changed_at", kind="contract", items=_contract_event_items
)
