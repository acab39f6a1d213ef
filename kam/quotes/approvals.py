"""The quote discount as an approval type (SPEC R-OPP-10): approving it makes the version
sendable, rejecting it sends the version back to draft, and its page shows what is discounted."""

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.approvals.registry import ApprovalType, ChangeRow, approval_type_register
from kam.approvals.types import AMOUNT_CHAIN

if TYPE_CHECKING:
    from kam.approvals.models import Approval


def _describe(approval: "Approval") -> list[ChangeRow]:
    payload = approval.payload or {}
    threshold = payload.get("threshold", "")
    rows = [
        ChangeRow(label=_("报价版本"), old="", new=str(payload.get("quote_number", ""))),
        ChangeRow(
            label=_("最大折扣率"),
            old=_("权限 %(t)s%%") % {"t": threshold} if threshold else "",
            new=f"{payload.get('max_discount_rate', '')}%",
        ),
        ChangeRow(
            label=_("整单折扣率"), old="", new=f"{payload.get('overall_discount_rate', '')}%"
        ),
    ]
    if approval.amount is not None:
        rows.append(
            ChangeRow(label=_("报价合计（不含税）"), old="", new=f"¥{approval.amount:,.2f}")
        )
    return rows


def register() -> None:
    from kam.quotes.services import quote_discount_approved, quote_discount_rejected

    # Replaces the engine's catalogue entry (same code, label and chain) to add the effects.
    approval_type_register(
        ApprovalType(
            code="discount",
            label=gettext_lazy("折扣审批"),
            default_chain=AMOUNT_CHAIN,
            apply=quote_discount_approved,
            on_rejected=quote_discount_rejected,
            describe=_describe,
            has_amount=True,
        )
    )
