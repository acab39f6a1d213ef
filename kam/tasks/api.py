"""/api/tasks: the same services and visibility as the pages (R-REV-3, R-API-1)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from kam.accounts.models import Account
from kam.core.api import api_user, validation_errors
from kam.leads.models import Lead
from kam.opportunities.models import Opportunity
from kam.tasks.models import Task, TeamWebhook, WebhookDelivery
from kam.tasks.rules import webhook_team_ids
from kam.tasks.schemas import (
    DeliveryOut,
    ErrorsOut,
    TaskCompleteIn,
    TaskCreateIn,
    TaskListOut,
    TaskOut,
    TaskPatchIn,
    WebhookCreateIn,
    WebhookOut,
    WebhookPatchIn,
)
from kam.tasks.selectors import (
    task_get_visible,
    tasks_list,
    webhook_get_visible,
    webhooks_manageable_by,
)
from kam.tasks.services.manual import task_complete, task_create, task_reopen, task_update
from kam.tasks.services.team_webhooks import (
    team_webhook_create,
    team_webhook_test,
    team_webhook_update,
)
from kam.users.models import Team, User

router = Router(tags=["tasks"])

MAX_LIMIT = 100
API_NAMES = {
    "account": "account_id",
    "opportunity": "opportunity_id",
    "lead": "lead_id",
    "owner": "owner_id",
    "team": "team_id",
}
FORBIDDEN_WEBHOOKS = "only sales managers and above configure team webhooks"


class TaskFilters(Schema):
    scope: str | None = None
    status: str | None = None
    source: str | None = None
    owner_id: int | None = None
    limit: int = 50
    offset: int = 0


def _service_data(values: dict[str, Any]) -> dict[str, Any]:
    """API ids → the objects the services take; an unknown id becomes an invalid value the
    service rejects by field name."""
    data = dict(values)
    for name, model in (("account", Account), ("opportunity", Opportunity), ("lead", Lead)):
        if f"{name}_id" in data:
            pk = data.pop(f"{name}_id")
            data[name] = (model.objects.filter(pk=pk).first() or "") if pk else None
    if "owner_id" in data:
        owner_id = data.pop("owner_id")
        data["owner"] = User.objects.filter(pk=owner_id).first() or "" if owner_id else None
    return data


def _webhook_out(hook: TeamWebhook) -> dict[str, Any]:
    return {
        "id": hook.pk,
        "team_id": hook.team_id,
        "name": hook.name,
        "platform": hook.platform,
        "url": hook.url,
        "has_secret": bool(hook.secret),
        "active": hook.active,
        "send_reminders": hook.send_reminders,
        "send_digest": hook.send_digest,
        "version": hook.version,
    }


def _require_webhook_manager(user: User) -> None:
    teams = webhook_team_ids(user)
    if teams is not None and not teams:
        raise HttpError(403, FORBIDDEN_WEBHOOKS)


@router.get("/", response=TaskListOut)
def task_list_endpoint(request: HttpRequest, filters: Query[TaskFilters]) -> dict[str, Any]:
    limit = max(1, min(filters.limit, MAX_LIMIT))
    offset = max(0, filters.offset)
    criteria = {
        "scope": filters.scope or "mine",
        "status": filters.status or "",
        "source": filters.source or "",
        "owner": str(filters.owner_id or ""),
    }
    rows = list(
        tasks_list(api_user(request), criteria, now=timezone.now())[offset : offset + limit + 1]
    )
    return {"items": rows[:limit], "next_offset": offset + limit if len(rows) > limit else None}


@router.post("/", response={201: TaskOut, 422: ErrorsOut})
def task_create_endpoint(request: HttpRequest, payload: TaskCreateIn) -> Any:
    values = payload.model_dump()
    if values["owner_id"] is None:
        values.pop("owner_id")
    try:
        task = task_create(actor=api_user(request), data=_service_data(values))
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(201, task)


@router.get("/webhooks", response=list[WebhookOut])
def webhook_list_endpoint(request: HttpRequest) -> list[dict[str, Any]]:
    user = api_user(request)
    _require_webhook_manager(user)
    return [_webhook_out(hook) for hook in webhooks_manageable_by(user)]


@router.post("/webhooks", response={201: WebhookOut, 422: ErrorsOut})
def webhook_create_endpoint(request: HttpRequest, payload: WebhookCreateIn) -> Any:
    user = api_user(request)
    _require_webhook_manager(user)
    data = payload.model_dump()
    data["team"] = Team.objects.filter(pk=data.pop("team_id")).first()
    try:
        hook = team_webhook_create(actor=user, data=data)
    except PermissionDenied as error:
        raise HttpError(403, str(error) or FORBIDDEN_WEBHOOKS) from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(201, _webhook_out(hook))


def _managed_webhook(user: User, webhook_id: int) -> TeamWebhook:
    _require_webhook_manager(user)
    hook = webhook_get_visible(user, webhook_id)
    teams = webhook_team_ids(user)
    if teams is not None and hook.team_id not in teams:
        raise HttpError(403, FORBIDDEN_WEBHOOKS)
    return hook


@router.patch("/webhooks/{int:webhook_id}", response={200: WebhookOut, 422: ErrorsOut})
def webhook_patch_endpoint(request: HttpRequest, webhook_id: int, payload: WebhookPatchIn) -> Any:
    user = api_user(request)
    hook = _managed_webhook(user, webhook_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    try:
        hook = team_webhook_update(webhook=hook, actor=user, version=version, changes=changes)
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(200, _webhook_out(hook))


@router.post("/webhooks/{int:webhook_id}/test", response=DeliveryOut)
def webhook_test_endpoint(request: HttpRequest, webhook_id: int) -> WebhookDelivery:
    user = api_user(request)
    return team_webhook_test(webhook=_managed_webhook(user, webhook_id), actor=user)


@router.get("/{int:task_id}", response=TaskOut)
def task_get_endpoint(request: HttpRequest, task_id: int) -> Task:
    return task_get_visible(api_user(request), task_id)


@router.patch("/{int:task_id}", response={200: TaskOut, 422: ErrorsOut})
def task_patch_endpoint(request: HttpRequest, task_id: int, payload: TaskPatchIn) -> Any:
    user = api_user(request)
    task = task_get_visible(user, task_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    try:
        task = task_update(task=task, actor=user, version=version, changes=_service_data(changes))
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(200, task)


@router.post("/{int:task_id}/complete", response={200: TaskOut, 422: ErrorsOut})
def task_complete_endpoint(request: HttpRequest, task_id: int, payload: TaskCompleteIn) -> Any:
    user = api_user(request)
    task = task_get_visible(user, task_id)
    try:
        task = task_complete(task=task, actor=user, version=payload.version)
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(200, task)


@router.post("/{int:task_id}/reopen", response={200: TaskOut, 422: ErrorsOut})
def task_reopen_endpoint(request: HttpRequest, task_id: int, payload: TaskCompleteIn) -> Any:
    user = api_user(request)
    task = task_get_visible(user, task_id)
    try:
        task = task_reopen(task=task, actor=user, version=payload.version)
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(200, task)
