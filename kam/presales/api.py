"""/api/presales — the same services and selectors as the pages. Deciding approvals is the
approvals API's job; these endpoints create, submit, dispatch and log hours."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from kam.core.api import api_user, validation_errors
from kam.presales.models import HoursLog, PresalesRequest
from kam.presales.rates import hourly_rate, hours_cost
from kam.presales.schemas import (
    ApprovalRefOut,
    CostListOut,
    DetailOut,
    DispatchIn,
    ErrorsOut,
    HoursIn,
    HoursOut,
    PresalesRequestIn,
    PresalesRequestListOut,
    PresalesRequestOut,
    VersionIn,
)
from kam.presales.selectors import (
    opportunity_get_visible,
    presales_assignment_get_visible,
    presales_cost_rows,
    presales_cost_totals,
    presales_request_get_visible,
    presales_requests_for_opportunity,
)
from kam.presales.services import (
    hours_log_create,
    hours_submit,
    presales_dispatch,
    presales_request_create,
    presales_request_submit,
)
from kam.users.models import User

router = Router(tags=["presales"])
MAX_LIMIT = 100
ERRORS = {403: DetailOut, 422: ErrorsOut}


def _out(item: PresalesRequest) -> dict[str, Any]:
    approved = getattr(item, "approved_hours", None)
    return {
        "id": item.pk, "opportunity_id": item.opportunity_id,
        "requested_by_id": item.requested_by_id, "kind": item.kind,
        "description": item.description, "needed_from": item.needed_from,
        "needed_to": item.needed_to, "estimated_hours": f"{item.estimated_hours:.1f}",
        "estimated_cost": f"{hours_cost(item.estimated_hours):.2f}", "status": item.status,
        "logged_hours": f"{getattr(item, 'logged_hours', 0):.1f}",
        "approved_hours": f"{approved or 0:.1f}", "cost": f"{hours_cost(approved):.2f}",
        "assignments": [
            {"id": a.pk, "user_id": a.user_id, "user_name": str(a.user),
             "assigned_at": a.assigned_at.isoformat()}
            for a in item.assignments.all()
        ],
        "version": item.version,
    }  # fmt: skip


def _hours_out(log: HoursLog) -> dict[str, Any]:
    return {
        "id": log.pk, "assignment_id": log.assignment_id, "date": log.date,
        "hours": f"{log.hours:.1f}", "description": log.description, "status": log.status,
    }  # fmt: skip


@router.get(
    "/opportunities/{opportunity_id}/requests",
    response=PresalesRequestListOut,
    summary="Pre-sales requests of one opportunity",
)
def list_requests(request: HttpRequest, opportunity_id: int) -> dict[str, Any]:
    opportunity = opportunity_get_visible(api_user(request), opportunity_id)
    return {"items": [_out(r) for r in presales_requests_for_opportunity(opportunity)]}


@router.post(
    "/opportunities/{opportunity_id}/requests",
    response={201: PresalesRequestOut, **ERRORS},
    summary="Request pre-sales support (optionally submit it to approval at once)",
)
def create_request(request: HttpRequest, opportunity_id: int, payload: PresalesRequestIn) -> Any:
    user = api_user(request)
    opportunity = opportunity_get_visible(user, opportunity_id)
    data = payload.dict()
    submit = data.pop("submit")
    try:
        created = presales_request_create(
            opportunity=opportunity, actor=user, data=data, submit=submit
        )
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    return Status(201, _out(presales_request_get_visible(user, created.pk)))


@router.get("/requests/{request_id}", response=PresalesRequestOut, summary="One request")
def get_request(request: HttpRequest, request_id: int) -> dict[str, Any]:
    return _out(presales_request_get_visible(api_user(request), request_id))


@router.post(
    "/requests/{request_id}/submit",
    response={200: PresalesRequestOut, **ERRORS},
    summary="Submit a draft or rejected request to approval",
)
def submit_request(request: HttpRequest, request_id: int, payload: VersionIn) -> Any:
    user = api_user(request)
    item = presales_request_get_visible(user, request_id)
    try:
        presales_request_submit(request=item, actor=user, version=payload.version)
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    return Status(200, _out(presales_request_get_visible(user, item.pk)))


@router.post(
    "/requests/{request_id}/dispatch",
    response={200: PresalesRequestOut, **ERRORS},
    summary="Assign pre-sales people to an approved request",
)
def dispatch_request(request: HttpRequest, request_id: int, payload: DispatchIn) -> Any:
    user = api_user(request)
    item = presales_request_get_visible(user, request_id)
    people = list(User.objects.filter(pk__in=payload.user_ids))
    if len(people) != len(set(payload.user_ids)):
        return Status(422, {"errors": {"user_ids": ["用户不存在。"]}})
    try:
        presales_dispatch(request=item, actor=user, version=payload.version, users=people)
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    return Status(200, _out(presales_request_get_visible(user, item.pk)))


@router.post(
    "/assignments/{assignment_id}/hours",
    response={201: HoursOut, **ERRORS},
    summary="Log hours on an assignment of yours",
)
def log_hours(request: HttpRequest, assignment_id: int, payload: HoursIn) -> Any:
    user = api_user(request)
    assignment = presales_assignment_get_visible(user, assignment_id)
    try:
        log = hours_log_create(
            assignment=assignment,
            actor=user,
            day=payload.date,
            hours=payload.hours,
            description=payload.description,
        )
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    return Status(201, _hours_out(log))


@router.post(
    "/assignments/{assignment_id}/hours/submit",
    response={201: ApprovalRefOut, **ERRORS},
    summary="Send your unconfirmed hours of an assignment for confirmation",
)
def submit_hours(request: HttpRequest, assignment_id: int) -> Any:
    user = api_user(request)
    assignment = presales_assignment_get_visible(user, assignment_id)
    try:
        approval = hours_submit(assignment=assignment, actor=user)
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    return Status(201, {"approval_id": approval.pk, "status": approval.status})


class CostFilters(Schema):
    date_from: date | None = None
    date_to: date | None = None
    team_id: int | None = None
    limit: int = 50
    offset: int = 0


@router.get("/costs", response=CostListOut, summary="Pre-sales cost per visible opportunity")
def costs(request: HttpRequest, filters: Query[CostFilters]) -> dict[str, Any]:
    limit = max(1, min(filters.limit, MAX_LIMIT))
    offset = max(0, filters.offset)
    rows = presales_cost_rows(
        api_user(request),
        date_from=filters.date_from,
        date_to=filters.date_to,
        team_id=filters.team_id,
    )
    page: list[Any] = list(rows[offset : offset + limit + 1])
    rate = hourly_rate()
    totals = presales_cost_totals(rows)
    return {
        "items": [
            {
                "opportunity_id": o.pk,
                "number": o.number,
                "name": o.name,
                "logged_hours": f"{o.logged_hours:.1f}",
                "approved_hours": f"{o.approved_hours:.1f}",
                "cost": f"{hours_cost(o.approved_hours, rate):.2f}",
            }
            for o in page[:limit]
        ],
        "next_offset": offset + limit if len(page) > limit else None,
        "rate": f"{rate:.2f}",
        "total_logged_hours": f"{totals.logged_hours:.1f}",
        "total_approved_hours": f"{totals.approved_hours:.1f}",
        "total_cost": f"{totals.cost:.2f}",
    }
