"""Background jobs: mail the notifications, and the nightly overdue-engagement sweep."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kam.notifications.models import Notification
from kam.notifications.services import engagement_overdue_notify

logger = logging.getLogger(__name__)


@task
def notification_email_send(notification_ids: list[int]) -> int:
    """One mail per notification. Each row is claimed with a conditional update before sending,
    so running the job twice (a retry, two workers) never mails anyone twice."""
    sent = 0
    rows = Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("recipient")
    for notification in rows:
        recipient = notification.recipient
        if not recipient.is_active or not recipient.email:
            continue
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            continue
        link = settings.KAM_BASE_URL.rstrip("/") + notification.url if notification.url else ""
        message = render_to_string(
            "notifications/email.txt",
            {"notification": notification, "recipient": recipient, "link": link},
        )
        try:
            send_mail(
                f"[KAM] {notification.title}",
                message,
                settings.DEFAULT_FROM_EMAIL,
                [recipient.email],
            )
        except Exception:
            # Give the row back so a retry can send it.
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
            logger.exception("notification e-mail %s failed", notification.pk)
            raise
        sent += 1
    return sent


@db_periodic_task(crontab(hour="1", minute="0"))
def engagement_overdue_sweep() -> int:
    return engagement_overdue_notify()
