"""Reads: a user only ever sees their own notifications."""

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.shortcuts import get_object_or_404

from kam.notifications.models import Notification
from kam.users.models import User

LIST_FIELDS = ["id", "kind", "title", "body", "url", "created_at", "read_at", "recipient_id"]


def notifications_for(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    """Unread first (newest first), then read ones (newest first)."""
    rows = Notification.objects.filter(recipient=user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return rows.only(*LIST_FIELDS).order_by(unread.desc(), "-created_at", "-pk")


def notification_get_for(user: User, pk: int) -> Notification:
    """Someone else's notification is a 404, never a 403."""
    return get_object_or_404(Notification, pk=pk, recipient=user)


def notifications_unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
