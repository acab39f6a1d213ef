"""/api/contracts: the same services and visibility as the pages (R-COL-1, R-COL-2, R-API-1).
Approval decisions go through /api/approvals."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from kam.accounts.selectors import accounts_visible_to
from kam.contracts.models import Contract
from kam.contracts.schemas import (
    ApprovalRefOut,
    ContractCreateIn,
    ContractDetailOut,
    ContractListOut,
    ContractPatchIn,
    ErrorsOut,
    EventIn,
    PlanChangeIn,
    PlanIn,
    SubmitIn,
    TerminateIn,
    VersionIn,
)
from kam.contracts.selectors import contract_get_visible, contract_list, contract_milestones
from kam.contracts.services.closing import contract_complete, contract_termination_request
from kam.contracts.services.contracts import (
    contract_create,
    contract_create_from_opportunity,
    contract_record_acceptance,
    contract_record_delivery,
    contract_update,
)
from kam.contracts.services.plans import payment_plan_replace
from kam.contracts.services.signing import contract_submit, payment_plan_change_request
from kam.core.api import api_user, validation_errors
from kam.opportunities.selectors import opportunity_get_visible

router = Router(tags=["contracts"])

MAX_LIMIT = 100


class ContractFilters(Schema):
    status: str | None = None
    owner_id: int | None = None
    account: str | None = None
    limit: int = 50
    offset: int = 0


def _out(contract: Contract) -> dict[str, Any]:
    return {
        "id": contract.pk,
        "number": contract.number or "",
        "name": contract.name,
        "account_id": contract.account_id,
        "account_name": contract.account.name,
        "opportunity_id": contract.opportunity_id,
        "amount": f"{contract.amount:.2f}",
        "status": contract.status,
        "signed_on": contract.signed_on,
        "delivered_on": contract.delivered_on,
        "accepted_on": contract.accepted_on,
        "warranty_months": contract.warranty_months,
        "terms": contract.terms,
        "owner_id": contract.owner_id,
        "version": contract.version,
        "updated_at": contract.updated_at,
    }


def _detail(contract: Contract) -> dict[str, Any]:
    milestones = [
        {
            "position": m.position,
            "kind": m.kind,
            "name": m.name,
            "percent": f"{m.percent.normalize():f}" if m.percent is not None else None,
            "amount": f"{m.amount:.2f}",
            "trigger": m.trigger,
            "fixed_date": m.fixed_date,
            "due_days": m.due_days,
            "due_date": m.due_date,
        }
        for m in contract_milestones(contract)
    ]
    return {**_out(contract), "milestones": milestones}


def _run(call: Callable[[], Any], success: Callable[[Any], Any], code: int = 200) -> Any:
    """One service call: 403 when not allowed, 422 with field errors when refused."""
    try:
        result = call()
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    return Status(code, success(result))


@router.get("/", response=ContractListOut)
def contract_list_endpoint(request: HttpRequest, filters: Query[ContractFilters]) -> Any:
    limit = max(1, min(filters.limit, MAX_LIMIT))
    offset = max(0, filters.offset)
    criteria = {
        "status": filters.status or "",
        "owner": str(filters.owner_id or ""),
        "account": (filters.account or "").strip(),
    }
    rows = list(contract_list(api_user(request), criteria)[offset : offset + limit + 1])
    return {
        "items": [_out(contract) for contract in rows[:limit]],
        "next_offset": offset + limit if len(rows) > limit else None,
    }


@router.get("/{contract_id}", response=ContractDetailOut)
def contract_get_endpoint(request: HttpRequest, contract_id: int) -> Any:
    return _detail(contract_get_visible(api_user(request), contract_id))


@router.post("/", response={201: ContractDetailOut, 422: ErrorsOut})
def contract_create_endpoint(request: HttpRequest, payload: ContractCreateIn) -> Any:
    user = api_user(request)
    if payload.opportunity_id is not None:
        opportunity = opportunity_get_visible(user, payload.opportunity_id)
        return _run(
            lambda: contract_create_from_opportunity(opportunity=opportunity, actor=user),
            _detail,
            201,
        )
    account = accounts_visible_to(user).filter(pk=payload.account_id or 0).first()
    if account is None:
        return Status(422, {"errors": {"account_id": [_("请选择一个你能看到的客户。")]}})
    data = payload.model_dump(exclude={"opportunity_id", "account_id"})
    if data["amount"] is None:
        data["amount"] = ""
    return _run(lambda: contract_create(account=account, actor=user, data=data), _detail, 201)


@router.patch("/{contract_id}", response={200: ContractDetailOut, 422: ErrorsOut})
def contract_update_endpoint(
    request: HttpRequest, contract_id: int, payload: ContractPatchIn
) -> Any:
    user = api_user(request)
    contract = contract_get_visible(user, contract_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    return _run(
        lambda: contract_update(contract=contract, actor=user, version=version, changes=changes),
        _detail,
    )


@router.put("/{contract_id}/plan", response={200: ContractDetailOut, 422: ErrorsOut})
def plan_replace_endpoint(request: HttpRequest, contract_id: int, payload: PlanIn) -> Any:
    user = api_user(request)
    contract = contract_get_visible(user, contract_id)
    rows = [row.model_dump() for row in payload.milestones]
    return _run(
        lambda: payment_plan_replace(
            contract=contract, actor=user, version=payload.version, rows=rows
        ),
        lambda _milestones: _detail(contract_get_visible(user, contract_id)),
    )


@router.post("/{contract_id}/submit", response={201: ApprovalRefOut, 422: ErrorsOut})
def submit_endpoint(request: HttpRequest, contract_id: int, payload: SubmitIn) -> Any:
    user = api_user(request)
    contract = contract_get_visible(user, contract_id)
    return _run(
        lambda: contract_submit(
            contract=contract, actor=user, version=payload.version, signed_on=payload.signed_on
        ),
        lambda approval: {"approval_id": approval.pk, "status": approval.status},
        201,
    )


@router.post("/{contract_id}/complete", response={200: ContractDetailOut, 422: ErrorsOut})
def complete_endpoint(request: HttpRequest, contract_id: int, payload: VersionIn) -> Any:
    user = api_user(request)
    contract = contract_get_visible(user, contract_id)
    return _run(
        lambda: contract_complete(contract=contract, actor=user, version=payload.version),
        _detail,
    )


@router.post("/{contract_id}/terminate", response={201: ApprovalRefOut, 422: ErrorsOut})
def terminate_endpoint(request: HttpRequest, contract_id: int, payload: TerminateIn) -> Any:
    """Ask to terminate a signed contract; it ends when the approval chain approves."""
    user = api_user(request)
    contract = contract_get_visible(user, contract_id)
    return _run(
        lambda: contract_termination_request(
            contract=contract, actor=user, version=payload.version, reason=payload.reason
        ),
        lambda approval: {"approval_id": approval.pk, "status": approval.status},
        201,
    )


@router.post("/{contract_id}/delivery", response={200: ContractDetailOut, 422: ErrorsOut})
def delivery_endpoint(request: HttpRequest, contract_id: int, payload: EventIn) -> Any:
    user = api_user(request)
    contract = contract_get_visible(user, contract_id)
    return _run(
        lambda: contract_record_delivery(
            contract=contract, actor=user, version=payload.version, on=payload.on
        ),
        _detail,
    )


@router.post("/{contract_id}/acceptance", response={200: ContractDetailOut, 422: ErrorsOut})
def acceptance_endpoint(request: HttpRequest, contract_id: int, payload: EventIn) -> Any:
    user = api_user(request)
    contract = contract_get_visible(user, contract_id)
    return _run(
        lambda: contract_record_acceptance(
            contract=contract, actor=user, version=payload.version, on=payload.on
        ),
        _detail,
    )


@router.post("/{contract_id}/plan-change", response={201: ApprovalRefOut, 422: ErrorsOut})
def plan_change_endpoint(request: HttpRequest, contract_id: int, payload: PlanChangeIn) -> Any:
    user = api_user(request)
    contract = contract_get_visible(user, contract_id)
    rows = [row.model_dump() for row in payload.milestones]
    return _run(
        lambda: payment_plan_change_request(
            contract=contract,
            actor=user,
            version=payload.version,
            rows=rows,
            reason=payload.reason,
        ),
        lambda approval: {"approval_id": approval.pk, "status": approval.status},
        201,
    )
