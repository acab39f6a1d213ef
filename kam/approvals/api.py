"""/api/approvals: the same selectors, rules and services as the pages (R-API-1)."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from kam.approvals.chains import chain_effective
from kam.approvals.display import chain_rule_text, type_label
from kam.approvals.models import Approval
from kam.approvals.registry import approval_types
from kam.approvals.schemas import (
    ApprovalDetailOut,
    ApprovalListOut,
    ApprovalTypeOut,
    DecisionIn,
    DetailOut,
    ErrorsOut,
    ResubmitIn,
)
from kam.approvals.selectors import (
    BOXES,
    approval_get_visible,
    approval_steps,
    approvals_box,
)
from kam.approvals.services import (
    approval_approve,
    approval_reject,
    approval_resubmit,
    approval_return,
    approval_withdraw,
)
from kam.core.api import api_user, validation_errors

router = Router(tags=["approvals"])
MAX_LIMIT = 100


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _out(approval: Approval, *, steps: bool = False) -> dict[str, Any]:
    pending = getattr(approval, "pending_steps", None)
    if pending is None:
        pending = [s for s in approval_steps(approval) if s.status == "pending"]
    out: dict[str, Any] = {
        "id": approval.pk, "type_code": approval.type_code,
        "type_label": type_label(approval.type_code), "title": approval.title,
        "requester_id": approval.requester_id, "requester_name": str(approval.requester),
        "account_id": approval.account_id, "opportunity_id": approval.opportunity_id,
        "amount": _money(approval.amount), "payload": approval.payload,
        "status": approval.status, "round": approval.round,
        "current_position": approval.current_position,
        "current_approver_id": pending[0].approver_id if pending else None,
        "submitted_at": approval.submitted_at, "decided_at": approval.decided_at,
        "version": approval.version,
    }  # fmt: skip
    if steps:
        out["steps"] = [
            {
                "id": s.pk,
                "round": s.round,
                "position": s.position,
                "approver_id": s.approver_id,
                "approver_name": str(s.approver),
                "rule_label": s.rule_label,
                "status": s.status,
                "comment": s.comment,
                "decided_at": s.decided_at,
            }
            for s in approval_steps(approval)
        ]
    return out


class ListFilters(Schema):
    box: str = ""
    type: str = ""
    status: str = ""
    limit: int = 50
    offset: int = 0


@router.get("/types", response=list[ApprovalTypeOut], summary="Approval types and their chains")
def list_types(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "code": t.code,
            "label": str(t.label),
            "chain": [
                {
                    "rule": r.rule,
                    "role": r.role,
                    "user_id": r.user_id,
                    "min_amount": _money(r.min_amount),
                    "text": chain_rule_text(r),
                }
                for r in chain_effective(t.code)
            ],
        }
        for t in approval_types()
    ]


@router.get("/", response=ApprovalListOut, summary="Approvals: waiting for me, mine, decided")
def list_approvals(request: HttpRequest, filters: Query[ListFilters]) -> dict[str, Any]:
    if filters.box and filters.box not in BOXES:
        raise HttpError(422, "box must be waiting, mine or decided")
    limit = max(1, min(filters.limit, MAX_LIMIT))
    offset = max(0, filters.offset)
    queryset = approvals_box(
        api_user(request), filters.box or None, type_code=filters.type, status=filters.status
    )
    rows = list(queryset[offset : offset + limit + 1])
    return {
        "items": [_out(a) for a in rows[:limit]],
        "next_offset": offset + limit if len(rows) > limit else None,
    }


@router.get("/{approval_id}", response=ApprovalDetailOut, summary="One approval with its steps")
def get_approval(request: HttpRequest, approval_id: int) -> dict[str, Any]:
    return _out(approval_get_visible(api_user(request), approval_id), steps=True)


DECISION_RESPONSES = {200: ApprovalDetailOut, 403: DetailOut, 422: ErrorsOut}


def _run(request: HttpRequest, approval_id: int, action: str, payload: DecisionIn) -> Any:
    user = api_user(request)
    approval = approval_get_visible(user, approval_id)
    try:
        if action == "approve":
            approval_approve(
                approval=approval, actor=user, version=payload.version, comment=payload.comment
            )
        elif action == "reject":
            approval_reject(
                approval=approval, actor=user, version=payload.version, comment=payload.comment
            )
        elif action == "return":
            approval_return(
                approval=approval, actor=user, version=payload.version, comment=payload.comment
            )
        else:
            approval_withdraw(approval=approval, actor=user, version=payload.version)
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    return Status(200, _out(approval_get_visible(user, approval_id), steps=True))


@router.post("/{approval_id}/approve", response=DECISION_RESPONSES, summary="Approve")
def approve(request: HttpRequest, approval_id: int, payload: DecisionIn) -> Any:
    return _run(request, approval_id, "approve", payload)


@router.post("/{approval_id}/reject", response=DECISION_RESPONSES, summary="Reject (comment)")
def reject(request: HttpRequest, approval_id: int, payload: DecisionIn) -> Any:
    return _run(request, approval_id, "reject", payload)


@router.post("/{approval_id}/return", response=DECISION_RESPONSES, summary="Return for changes")
def return_(request: HttpRequest, approval_id: int, payload: DecisionIn) -> Any:
    return _run(request, approval_id, "return", payload)


@router.post("/{approval_id}/withdraw", response=DECISION_RESPONSES, summary="Withdraw (requester)")
def withdraw(request: HttpRequest, approval_id: int, payload: DecisionIn) -> Any:
    return _run(request, approval_id, "withdraw", payload)


@router.post(
    "/{approval_id}/resubmit", response=DECISION_RESPONSES, summary="Resubmit a returned approval"
)
def resubmit(request: HttpRequest, approval_id: int, payload: ResubmitIn) -> Any:
    user = api_user(request)
    approval = approval_get_visible(user, approval_id)
    amount: Decimal | None = None
    if payload.amount is not None:
        try:
            amount = Decimal(payload.amount.strip())
        except InvalidOperation:
            return Status(422, {"errors": {"amount": [_("金额格式不正确。")]}})
    try:
        approval_resubmit(
            approval=approval, actor=user, version=payload.version, payload=payload.payload,
            amount=amount, title=payload.title,
        )  # fmt: skip
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    return Status(200, _out(approval_get_visible(user, approval_id), steps=True))
