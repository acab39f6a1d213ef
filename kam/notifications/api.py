"""/api/notifications — the caller's own notifications only (another user's id → 404)."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from kam.core.api import api_user
from kam.notifications.models import Notification
from kam.notifications.schemas import MarkAllReadOut, NotificationListOut, NotificationOut
from kam.notifications.selectors import notification_get_for, notifications_for
from kam.notifications.services import notification_mark_read, notifications_mark_all_read

router = Router(tags=["notifications"])

MAX_LIMIT = 100


def _out(n: Notification) -> dict[str, Any]:
    return {
        "id": n.pk,
        "kind": n.kind,
        "kind_display": n.get_kind_display(),
        "title": n.title,
        "body": n.body,
        "url": n.url,
        "created_at": n.created_at,
        "read_at": n.read_at,
        "is_read": n.is_read,
    }


@router.get("/", response=NotificationListOut, summary="List my notifications, unread first")
def list_notifications(
    request: HttpRequest, unread: bool = False, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    rows = list(
        notifications_for(api_user(request), unread_only=unread)[offset : offset + limit + 1]
    )
    return {
        "items": [_out(n) for n in rows[:limit]],
        "next_offset": offset + limit if len(rows) > limit else None,
    }


@router.post("/read-all", response=MarkAllReadOut, summary="Mark all my notifications read")
def mark_all_read(request: HttpRequest) -> dict[str, Any]:
    return {"updated": notifications_mark_all_read(user=api_user(request))}


@router.post("/{notification_id}/read", response=NotificationOut, summary="Mark one read")
def mark_read(request: HttpRequest, notification_id: int) -> dict[str, Any]:
    user = api_user(request)
    notification = notification_get_for(user, notification_id)
    return _out(notification_mark_read(user=user, notification=notification))
