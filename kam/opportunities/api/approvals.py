"""/api/opportunities/{id}/approvals (R-APR-1): the deal's approvals, and a request for an
upgrade, an E-class registration or a plan. Deciding happens in /api/approvals."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Status

from kam.approvals.models import Approval
from kam.approvals.selectors import approvals_for_opportunity
from kam.core.api import api_user
from kam.opportunities.api.common import deal_get, deals_router, money, refusal
from kam.opportunities.deal_approvals import deal_approval_request
from kam.opportunities.schemas import DealApprovalIn, DealApprovalOut, DetailOut, ErrorsOut


def _out(approval: Approval) -> dict[str, Any]:
    return {
        "id": approval.pk, "type_code": approval.type_code, "type_label": approval.type_label,
        "title": approval.title, "status": approval.status,
        "requester_id": approval.requester_id,
        "amount": money(approval.amount) if approval.amount is not None else None,
        "submitted_at": approval.submitted_at,
    }  # fmt: skip


@deals_router.get("/{int:opportunity_id}/approvals", response=list[DealApprovalOut])
def deal_approvals_list(request: HttpRequest, opportunity_id: int) -> list[dict[str, Any]]:
    """Every approval about this deal, newest first."""
    opportunity = deal_get(api_user(request), opportunity_id)
    return [_out(approval) for approval in approvals_for_opportunity(opportunity)]


@deals_router.post(
    "/{int:opportunity_id}/approvals",
    response={201: DealApprovalOut, 403: DetailOut, 422: ErrorsOut},
)
def deal_approval_create(request: HttpRequest, opportunity_id: int, payload: DealApprovalIn) -> Any:
    user = api_user(request)
    opportunity = deal_get(user, opportunity_id)
    amount: Decimal | None = None
    if payload.amount not in (None, ""):
        try:
            amount = Decimal(str(payload.amount))
        except InvalidOperation:
            return Status(422, {"errors": {"amount": [_("请输入有效的金额。")]}})
    try:
        approval = deal_approval_request(
            opportunity=opportunity, actor=user, type_code=payload.type_code,
            content=payload.content, amount=amount,
            changes={"project_class": payload.project_class, "intent_class": payload.intent_class,
                     "partner_name": payload.partner_name},
        )  # fmt: skip
    except (PermissionDenied, ValidationError) as error:
        return refusal(error)
    return Status(201, _out(approval))
