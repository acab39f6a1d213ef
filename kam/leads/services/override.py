"""线索转化特批 (SPEC R-LEAD-3): a lead whose BANT is not fully confirmed converts only when the
approvers agree; the conversion then runs as the requester with the data they submitted."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.approvals.models import Approval
from kam.approvals.registry import ApprovalType, approval_type_register
from kam.approvals.services import approval_submit
from kam.approvals.types import STANDARD_CHAIN
from kam.leads.models import Lead
from kam.leads.services.conversion import (
    NEW_ACCOUNT_FIELDS,
    OPPORTUNITY_FIELDS,
    conversion_account_check,
    lead_convert_perform,
    require_convertible,
)
from kam.leads.services.leads import lead_locked
from kam.users.models import User

TYPE_CODE = "lead_conversion_override"
PAYLOAD_FIELDS = ("account", *NEW_ACCOUNT_FIELDS, "credit_code", *OPPORTUNITY_FIELDS)


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return getattr(value, "pk", value)


@transaction.atomic
def lead_convert_override_request(
    *, lead: Lead, actor: User, version: int, data: dict[str, Any], reason: str
) -> Approval:
    """Ask to convert a lead whose BANT is incomplete; nothing changes until final approval."""
    require_convertible(lead, actor)
    locked = lead_locked(lead, version)
    require_convertible(locked, actor)
    missing = locked.bant_unconfirmed()
    if not missing:
        raise ValidationError(_("BANT 已全部确认，可以直接转化，无需特批。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请填写特批理由。")]})
    conversion_account_check(locked, actor, data)  # refuse now what would fail on approval
    payload = {
        "lead_id": locked.pk,
        "missing": missing,
        "reason": reason.strip(),
        "data": {
            key: _json(data[key]) for key in PAYLOAD_FIELDS if data.get(key) not in (None, "")
        },
    }
    return approval_submit(
        type_code=TYPE_CODE,
        requester=actor,
        title=_("线索转化特批：%(name)s") % {"name": locked.company_name},
        subject=locked,
        account=locked.account,
        payload=payload,
    )


def _apply(approval: Approval, actor: User) -> None:
    lead = Lead.objects.select_for_update().get(pk=approval.payload["lead_id"])
    try:
        require_convertible(lead, approval.requester)
        opportunity = lead_convert_perform(
            lead=lead, actor=approval.requester, data=dict(approval.payload["data"])
        )
    except PermissionDenied as error:
        # Rights changed while the request waited; refusing keeps the approval pending.
        raise ValidationError(str(error) or _("申请人已无权转化该线索。")) from error
    # The approval also belongs to the deal it produced, so the deal's panel lists it.
    Approval.objects.filter(pk=approval.pk).update(
        opportunity=opportunity, account=opportunity.account
    )


def override_type_register() -> None:
    approval_type_register(
        ApprovalType(
            code=TYPE_CODE,
            label=gettext_lazy("线索转化特批"),
            default_chain=STANDARD_CHAIN,
            apply=_apply,
        )
    )
