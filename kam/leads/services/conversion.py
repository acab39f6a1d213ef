"""Turning a qualified lead into an opportunity (SPEC R-LEAD-3): all four BANT items confirmed,
or an approved override. The lead keeps its follow-ups and points at the deal it became."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kam.accounts.enums import PROVINCE_CHOICES, Industry, Level
from kam.accounts.models import Account
from kam.accounts.rules import account_can_edit, account_visibility_q
from kam.accounts.services import account_create
from kam.audit.services import audit_record_changes, audit_snapshot
from kam.intents.services import intent_conversion_record
from kam.leads.enums import LeadStatus
from kam.leads.models import BANT_LABELS, Lead
from kam.leads.rules import lead_can_edit
from kam.leads.services.leads import AUDITED_FIELDS, OPEN_STATUSES, lead_locked, lead_save
from kam.opportunities.models import Opportunity
from kam.opportunities.services.opportunities import opportunity_create
from kam.search.services import search_index_lead
from kam.users.models import User

NEW_ACCOUNT_FIELDS = ("industry", "province", "level")
NEW_ACCOUNT_CHOICES = {
    "industry": (_lazy("行业"), Industry.values),
    "province": (_lazy("省份"), [value for value, _label in PROVINCE_CHOICES]),
    "level": (_lazy("客户层级"), Level.values),
}
OPPORTUNITY_FIELDS = ("name", "expected_sign_date", "project_class", "partner_name", "description")


class BantIncomplete(ValidationError):
    """Conversion refused: `missing` holds the BANT keys not confirmed, in B-A-N-T order."""

    def __init__(self, lead: Lead) -> None:
        self.missing = lead.bant_unconfirmed()
        super().__init__(
            {
                key: [
                    _("%(item)s尚未确认（当前：%(status)s）。")
                    % {
                        "item": BANT_LABELS[key],
                        "status": getattr(lead, f"get_{key}_display")(),
                    }
                ]
                for key in self.missing
            }
        )


def require_convertible(lead: Lead, actor: User) -> None:
    if not lead_can_edit(actor, lead):
        raise PermissionDenied(_("只有线索负责人及其上级可以转化线索。"))
    if lead.status not in OPEN_STATUSES:
        raise ValidationError(_("线索已转化或已关闭，不能再转化。"))


def conversion_account_check(lead: Lead, actor: User, data: dict[str, Any]) -> Account | None:
    """The existing account the deal goes under (the lead's, or one the actor chose), or None
    when a new one is to be created — after checking the fields that needs."""
    chosen = lead.account_id if lead.account_id is not None else data.get("account")
    if chosen not in (None, ""):
        account = (
            Account.objects.filter(account_visibility_q(actor), pk=getattr(chosen, "pk", chosen))
            .order_by()
            .first()
        )
        if account is None:
            raise ValidationError({"account": [_("请选择有效的客户。")]})
        # The deal is created under the account, which only its owner's line may do.
        if not account_can_edit(actor, account):
            raise ValidationError(
                {"account": [_("只能转化到你或下属负责的客户下；请先领取或申请商机创建特批。")]}
            )
        return account
    errors: dict[str, list[str]] = {}
    for key, (label, allowed) in NEW_ACCOUNT_CHOICES.items():
        if data.get(key) not in allowed:
            errors[key] = [_("新建客户需要选择有效的%(field)s。") % {"field": label}]
    if errors:
        raise ValidationError(errors)
    return None


def _account_for(lead: Lead, actor: User, data: dict[str, Any]) -> Account:
    """The lead's account, an existing account the actor may edit, or a new one named after
    the lead's company and owned by the lead's owner."""
    account = conversion_account_check(lead, actor, data)
    if account is not None:
        return account
    return account_create(
        actor=actor,
        name=lead.company_name,
        industry=data["industry"],
        province=data["province"],
        level=data["level"],
        owner=lead.owner,
        credit_code=data.get("credit_code") or None,
        purchase_scenario=lead.scenario,
        confirm_not_duplicate=bool(data.get("confirm_not_duplicate")),
    )


def _opportunity_data(lead: Lead, data: dict[str, Any]) -> dict[str, Any]:
    fields = {key: data[key] for key in OPPORTUNITY_FIELDS if key in data}
    if isinstance(fields.get("expected_sign_date"), str):
        try:
            fields["expected_sign_date"] = date.fromisoformat(fields["expected_sign_date"])
        except ValueError:
            raise ValidationError({"expected_sign_date": [_("请输入有效的日期。")]}) from None
    fields["name"] = str(fields.get("name") or "").strip() or lead.company_name
    fields["owner"] = lead.owner
    if lead.intent_class:
        fields["intent_class"] = lead.intent_class
    return fields


def lead_convert_perform(
    *, lead: Lead, actor: User, data: dict[str, Any], lines: Sequence[dict[str, Any]] = ()
) -> Opportunity:
    """The conversion itself on a locked, open lead; the callers decided BANT is settled."""
    before = audit_snapshot(lead, AUDITED_FIELDS)
    account = _account_for(lead, actor, data)
    opportunity = opportunity_create(
        account=account, actor=actor, data=_opportunity_data(lead, data), lines=lines
    )
    intent_conversion_record(lead=lead, opportunity=opportunity)
    lead.account = account
    lead.status = LeadStatus.CONVERTED
    lead.converted_opportunity = opportunity
    lead.converted_at = timezone.now()
    lead_save(lead, ["account", "status", "converted_opportunity", "converted_at"])
    audit_record_changes(instance=lead, before=before, actor=actor)
    search_index_lead(lead)
    return opportunity


@transaction.atomic
def lead_convert(
    *,
    lead: Lead,
    actor: User,
    version: int,
    data: dict[str, Any],
    lines: Sequence[dict[str, Any]] = (),
) -> Opportunity:
    """Convert a lead whose BANT is fully confirmed. `data`: for a lead without an account
    either `account` (a visible account's pk) or `industry`, `province`, `level` (and
    optionally `credit_code`) for a new one; the opportunity's `name` (default: the company
    name), `expected_sign_date`, `project_class`, `partner_name`, `description`."""
    require_convertible(lead, actor)
    locked = lead_locked(lead, version)
    require_convertible(locked, actor)
    if locked.bant_unconfirmed():
        raise BantIncomplete(locked)
    return lead_convert_perform(lead=locked, actor=actor, data=data, lines=lines)
