"""/api/leads: the same services and visibility as the pages (R-LEAD-1..3, R-API-1)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from kam.accounts.models import Account
from kam.core.api import api_user, validation_errors
from kam.leads.models import Lead, LeadFollowUp
from kam.leads.schemas import (
    ApprovalRefOut,
    ConvertIn,
    ConvertOut,
    ConvertRefusedOut,
    DisqualifyIn,
    ErrorsOut,
    FollowUpIn,
    FollowUpOut,
    LeadCreateIn,
    LeadListOut,
    LeadOut,
    LeadPatchIn,
    OverrideIn,
)
from kam.leads.selectors import lead_follow_ups, lead_get_visible, lead_list
from kam.leads.services.conversion import BantIncomplete, lead_convert
from kam.leads.services.leads import (
    lead_create,
    lead_disqualify,
    lead_follow_up_add,
    lead_update,
)
from kam.leads.services.override import lead_convert_override_request
from kam.users.models import User

router = Router(tags=["leads"])

MAX_LIMIT = 100
API_NAMES = {"account": "account_id", "owner": "owner_id"}


class LeadFilters(Schema):
    status: str | None = None
    intent_class: str | None = None
    source: str | None = None
    owner_id: int | None = None
    limit: int = 50
    offset: int = 0


def _service_data(values: dict[str, Any]) -> dict[str, Any]:
    """API ids → the objects the services take; an unknown id becomes an invalid value the
    service rejects by field name."""
    data = dict(values)
    if "account_id" in data:
        account_id = data.pop("account_id")
        data["account"] = (
            (Account.objects.filter(pk=account_id).first() or "") if account_id else None
        )
    if "owner_id" in data:
        owner_id = data.pop("owner_id")
        data["owner"] = User.objects.filter(pk=owner_id).first() if owner_id else None
    return data


def _convert_data(payload: ConvertIn) -> dict[str, Any]:
    values = payload.model_dump(exclude={"version", "reason"}, exclude_none=True)
    if "account_id" in values:
        values["account"] = values.pop("account_id")
    return values


@router.get("/", response=LeadListOut)
def lead_list_endpoint(request: HttpRequest, filters: Query[LeadFilters]) -> dict[str, Any]:
    limit = max(1, min(filters.limit, MAX_LIMIT))
    offset = max(0, filters.offset)
    criteria = {
        "status": filters.status or "",
        "intent_class": filters.intent_class or "",
        "source": filters.source or "",
        "owner": str(filters.owner_id or ""),
    }
    rows = list(lead_list(api_user(request), criteria)[offset : offset + limit + 1])
    return {"items": rows[:limit], "next_offset": offset + limit if len(rows) > limit else None}


@router.get("/{lead_id}", response=LeadOut)
def lead_get_endpoint(request: HttpRequest, lead_id: int) -> Lead:
    return lead_get_visible(api_user(request), lead_id)


@router.post("/", response={201: LeadOut, 422: ErrorsOut})
def lead_create_endpoint(request: HttpRequest, payload: LeadCreateIn) -> Any:
    user = api_user(request)
    values = payload.model_dump()
    if values["owner_id"] is None:
        values.pop("owner_id")
    try:
        lead = lead_create(actor=user, data=_service_data(values))
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(201, lead)


@router.patch("/{lead_id}", response={200: LeadOut, 422: ErrorsOut})
def lead_update_endpoint(request: HttpRequest, lead_id: int, payload: LeadPatchIn) -> Any:
    user = api_user(request)
    lead = lead_get_visible(user, lead_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    try:
        lead = lead_update(lead=lead, actor=user, version=version, changes=_service_data(changes))
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(200, lead)


@router.get("/{lead_id}/follow-ups", response=list[FollowUpOut])
def follow_up_list_endpoint(request: HttpRequest, lead_id: int) -> list[LeadFollowUp]:
    return list(lead_follow_ups(lead_get_visible(api_user(request), lead_id)))


@router.post("/{lead_id}/follow-ups", response={201: FollowUpOut, 422: ErrorsOut})
def follow_up_add_endpoint(request: HttpRequest, lead_id: int, payload: FollowUpIn) -> Any:
    user = api_user(request)
    lead = lead_get_visible(user, lead_id)
    try:
        follow_up = lead_follow_up_add(lead=lead, actor=user, **payload.model_dump())
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(201, follow_up)


@router.post("/{lead_id}/disqualify", response={200: LeadOut, 422: ErrorsOut})
def lead_disqualify_endpoint(request: HttpRequest, lead_id: int, payload: DisqualifyIn) -> Any:
    user = api_user(request)
    lead = lead_get_visible(user, lead_id)
    try:
        lead = lead_disqualify(
            lead=lead, actor=user, version=payload.version, reason=payload.reason
        )
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(200, lead)


@router.post(
    "/{lead_id}/convert",
    response={201: ConvertOut, 422: ConvertRefusedOut},
    summary="Convert into an opportunity; 422 lists the BANT items not confirmed (R-LEAD-3)",
)
def lead_convert_endpoint(request: HttpRequest, lead_id: int, payload: ConvertIn) -> Any:
    user = api_user(request)
    lead = lead_get_visible(user, lead_id)
    try:
        opportunity = lead_convert(
            lead=lead, actor=user, version=payload.version, data=_convert_data(payload)
        )
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except BantIncomplete as error:
        return Status(
            422, {"errors": validation_errors(error, API_NAMES), "missing": error.missing}
        )
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES), "missing": []})
    return Status(
        201,
        {
            "opportunity_id": opportunity.pk,
            "number": opportunity.number,
            "account_id": opportunity.account_id,
        },
    )


@router.post(
    "/{lead_id}/convert-override",
    response={201: ApprovalRefOut, 422: ErrorsOut},
    summary="Ask for an approval to convert a lead whose BANT is incomplete",
)
def lead_override_endpoint(request: HttpRequest, lead_id: int, payload: OverrideIn) -> Any:
    user = api_user(request)
    lead = lead_get_visible(user, lead_id)
    try:
        approval = lead_convert_override_request(
            lead=lead,
            actor=user,
            version=payload.version,
            data=_convert_data(payload),
            reason=payload.reason,
        )
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(201, {"approval_id": approval.pk, "status": approval.status})
