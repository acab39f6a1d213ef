"""/api/handovers: the same services and visibility as the pages (SPEC R-REV-4, R-API-1)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from kam.core.api import api_user, validation_errors
from kam.handovers.enums import ItemKind
from kam.handovers.models import Handover, HandoverItem
from kam.handovers.rules import handover_sees_all_items
from kam.handovers.schemas import (
    AssignmentsIn,
    DeactivateIn,
    DeactivateOut,
    ErrorsOut,
    ExecuteIn,
    HandoverListOut,
    HandoverOut,
    PreviewOut,
    ReverseIn,
)
from kam.handovers.selectors import (
    handover_get_visible,
    handover_items_visible,
    handover_list,
    handover_user_get,
)
from kam.handovers.services.deactivation import user_deactivate
from kam.handovers.services.execution import handover_execute, handover_reverse
from kam.handovers.services.planning import Assignments, HandoverPreview, handover_preview
from kam.users.models import User

router = Router(tags=["handovers"])

MAX_LIMIT = 100


class ListFilters(Schema):
    limit: int = 50
    offset: int = 0


def _ref(user: User) -> dict[str, Any]:
    return {"id": user.pk, "name": str(user)}


def _assignments(payload: AssignmentsIn) -> Assignments:
    """Ids → users; an unknown id or kind is a 422 on its field."""
    ids = {payload.to_user_id, *payload.per_kind.values(), *payload.per_account.values()}
    users = User.objects.in_bulk([pk for pk in ids if pk is not None])
    errors: dict[str, list[str]] = {}
    if payload.to_user_id is not None and payload.to_user_id not in users:
        errors["to_user_id"] = [_("请选择有效的接收人。")]
    if set(payload.per_kind) - set(ItemKind.values):
        errors["per_kind"] = [_("未知的类型。")]
    if any(pk not in users for pk in [*payload.per_kind.values(), *payload.per_account.values()]):
        errors.setdefault("per_kind", []).append(_("请选择有效的接收人。"))
    if errors:
        raise ValidationError(errors)
    return Assignments(
        everything=users.get(payload.to_user_id) if payload.to_user_id else None,
        per_kind={kind: users[pk] for kind, pk in payload.per_kind.items()},
        per_account={account: users[pk] for account, pk in payload.per_account.items()},
    )


def _preview_out(preview: HandoverPreview) -> dict[str, Any]:
    return {
        "from_user": _ref(preview.from_user),
        "total": preview.total,
        "groups": [
            {
                "kind": group.kind,
                "label": group.label,
                "count": group.count,
                "items": [
                    {
                        "kind": item.kind,
                        "object_id": item.object_id,
                        "label": item.label,
                        "to_user": _ref(item.to_user) if item.to_user else None,
                    }
                    for item in group.items
                ],
            }
            for group in preview.groups
        ],
        "problems": preview.problems,
        "pending_requests": preview.pending_requests,
        "fingerprint": preview.fingerprint,
    }


def _handover_out(
    handover: Handover, items: list[HandoverItem] | None = None, *, sees_all: bool = False
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": handover.pk,
        "from_user": _ref(handover.from_user),
        "created_by": _ref(handover.created_by),
        "created_at": handover.created_at,
        "note": handover.note,
        "reverses_id": handover.reverses_id,
    }
    if items is not None:
        out["items"] = [
            {
                "kind": item.kind,
                "object_id": item.object_id,
                "label": item.label,
                "from_user": _ref(item.from_user),
                "to_user": _ref(item.to_user),
            }
            for item in items
        ]
        out["skipped"] = handover.skipped if sees_all else []
    return out


def _detail(actor: User, handover: Handover) -> dict[str, Any]:
    items = list(handover_items_visible(actor, handover))
    return _handover_out(handover, items, sees_all=handover_sees_all_items(actor, handover))


@router.get("/", response=HandoverListOut)
def handover_list_endpoint(request: HttpRequest, filters: Query[ListFilters]) -> dict[str, Any]:
    limit = max(1, min(filters.limit, MAX_LIMIT))
    offset = max(0, filters.offset)
    rows = list(handover_list(api_user(request))[offset : offset + limit + 1])
    return {"items": [_handover_out(h) for h in rows[:limit]], "has_next": len(rows) > limit}


@router.post("/preview", response={200: PreviewOut, 422: ErrorsOut})
def handover_preview_endpoint(request: HttpRequest, payload: AssignmentsIn) -> Any:
    actor = api_user(request)
    from_user = handover_user_get(actor, payload.from_user_id)
    try:
        preview = handover_preview(
            from_user=from_user, assignments=_assignments(payload), actor=actor
        )
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "Forbidden") from error
    return _preview_out(preview)


@router.post("/", response={201: HandoverOut, 422: ErrorsOut})
def handover_execute_endpoint(request: HttpRequest, payload: ExecuteIn) -> Any:
    actor = api_user(request)
    from_user = handover_user_get(actor, payload.from_user_id)
    try:
        handover = handover_execute(
            from_user=from_user,
            assignments=_assignments(payload),
            actor=actor,
            note=payload.note,
            fingerprint=payload.fingerprint,
        )
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "Forbidden") from error
    return Status(201, _detail(actor, handover_get_visible(actor, handover.pk)))


@router.get("/{handover_id}", response=HandoverOut)
def handover_get_endpoint(request: HttpRequest, handover_id: int) -> dict[str, Any]:
    actor = api_user(request)
    return _detail(actor, handover_get_visible(actor, handover_id))


@router.post("/{handover_id}/reverse", response={201: HandoverOut, 422: ErrorsOut})
def handover_reverse_endpoint(request: HttpRequest, handover_id: int, payload: ReverseIn) -> Any:
    actor = api_user(request)
    handover = handover_get_visible(actor, handover_id)
    try:
        reversal = handover_reverse(handover=handover, actor=actor, note=payload.note)
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "Forbidden") from error
    return Status(201, _detail(actor, handover_get_visible(actor, reversal.pk)))


@router.post("/deactivate/{user_id}", response={200: DeactivateOut, 422: ErrorsOut})
def user_deactivate_endpoint(request: HttpRequest, user_id: int, payload: DeactivateIn) -> Any:
    actor = api_user(request)
    user = handover_user_get(actor, user_id)
    try:
        result = user_deactivate(user=user, actor=actor, force=payload.force)
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "Forbidden") from error
    return {
        "user_id": user.pk,
        "is_active": False,
        "sessions_ended": result.sessions_ended,
        "tokens_revoked": result.tokens_revoked,
    }
