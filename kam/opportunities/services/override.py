"""商机创建特批 (SPEC R-APR-1 "opportunity creation override"): someone who reads an account
but does not own it — a deal-team member, a colleague who found the lead — asks to open a deal
there. The request carries the whole form; the deal is created, owned by the requester, only
when the last approver agrees."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.accounts.models import Account
from kam.accounts.rules import account_can_edit, account_can_view
from kam.approvals.models import Approval
from kam.approvals.registry import ApprovalType, approval_type_register
from kam.approvals.services import approval_submit
from kam.approvals.types import STANDARD_CHAIN
from kam.opportunities.models import SalesProcess
from kam.opportunities.money import lines_total
from kam.opportunities.services.opportunities import (
    opportunity_create_authorised,
    opportunity_create_clean,
)
from kam.users.models import User

TYPE_CODE = "opportunity_create_override"


def _line_input(line: dict[str, Any]) -> dict[str, str | int | None]:
    product = line.get("product")
    return {
        "product": getattr(product, "pk", product),
        "quantity": str(line.get("quantity") or ""),
        "unit_price": None if line.get("unit_price") in (None, "") else str(line["unit_price"]),
        "discount_rate": str(line.get("discount_rate") or "0"),
        "description": str(line.get("description") or ""),
    }


@transaction.atomic
def opportunity_create_request(
    *,
    account: Account,
    actor: User,
    data: dict[str, Any],
    lines: Sequence[dict[str, Any]] = (),
    process: SalesProcess | None = None,
) -> Approval:
    if not account_can_view(actor, account):
        raise PermissionDenied
    if account_can_edit(actor, account):
        raise ValidationError(_("你可以直接在该客户下创建商机，无需特批。"))
    if account.owner_id is None:
        raise ValidationError(_("公海客户请先领取，再创建商机。"))
    fields = {**data, "owner": actor}  # the requester owns what they asked for
    process, _stage, clean, rows = opportunity_create_clean(
        actor=actor, data=fields, lines=lines, process=process
    )
    payload = {
        "process_id": process.pk,
        "data": {
            key: (value.isoformat() if isinstance(value, date) else value)
            for key, value in clean.items()
            if key not in {"owner", "probability"}
        },
        "lines": [_line_input(line) for line in lines],
    }
    return approval_submit(
        type_code=TYPE_CODE,
        requester=actor,
        title=_("商机创建特批：%(name)s（%(account)s）")
        % {"name": clean["name"], "account": account.name},
        subject=account,
        account=account,
        amount=lines_total(row.amount for row in rows),
        payload=payload,
    )


def _apply(approval: Approval, actor: User) -> None:
    payload = approval.payload
    data = dict(payload["data"])
    if data.get("expected_sign_date"):
        data["expected_sign_date"] = date.fromisoformat(data["expected_sign_date"])
    account = Account.objects.get(pk=approval.account_id or 0)
    process = SalesProcess.objects.filter(pk=payload["process_id"]).first()
    opportunity = opportunity_create_authorised(
        account=account, actor=approval.requester, data={**data, "owner": approval.requester},
        lines=payload["lines"], process=process,
    )  # fmt: skip
    # The approval now also belongs to the deal it created, so the deal's panel lists it.
    Approval.objects.filter(pk=approval.pk).update(opportunity=opportunity)


def override_type_register() -> None:
    approval_type_register(
        ApprovalType(
            code=TYPE_CODE,
            label=gettext_lazy("商机创建特批"),
            default_chain=STANDARD_CHAIN,
            apply=_apply,
            has_amount=True,
        )
    )
