"""Writes for notifications: create (and schedule the e-mail), mark read."""

from collections.abc import Iterable
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.contacts.models import Contact, EngagementPlan
from kam.core.jobs import enqueue_after_commit
from kam.notifications.enums import NotificationKind
from kam.notifications.models import Notification
from kam.users.models import User

# Sends the e-mails of new notifications, after the commit.
EMAIL_JOB = "kam.notifications.tasks.notification_email_send"


@transaction.atomic
def notify(
    *,
    recipients: Iterable[User | None],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    subject: models.Model | None = None,
    send_email: bool = True,
    dedupe_key: str = "",
) -> list[Notification]:
    """One notification per active recipient (duplicates and None dropped). With a dedupe_key,
    recipients who already had that key get nothing new. E-mails go out after commit."""
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValueError("url must be a path inside KAM")
    unique: dict[int, User] = {}
    for user in recipients:
        if user is not None and user.is_active and user.pk not in unique:
            unique[user.pk] = user
    if dedupe_key and unique:
        already = Notification.objects.filter(
            recipient_id__in=list(unique), dedupe_key=dedupe_key
        ).values_list("recipient_id", flat=True)
        for pk in already:
            unique.pop(pk, None)
    if not unique:
        return []
    subject_type = ContentType.objects.get_for_model(subject) if subject is not None else None
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=kind,
                title=title[:200],
                body=body,
                url=url,
                subject_type=subject_type,
                subject_id=subject.pk if subject is not None else None,
                dedupe_key=dedupe_key,
            )
            for user in unique.values()
        ]
    )
    if send_email:
        enqueue_after_commit(EMAIL_JOB, [row.pk for row in rows])
    return rows


@transaction.atomic
def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:
        raise PermissionDenied
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.refresh_from_db(fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    """Returns how many notifications were unread."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def engagement_overdue_notify(*, today: date | None = None) -> int:
    """Tell each active plan's executive once that the touch is overdue — once per due date, so
    a nightly run repeats nothing and a plan that slips again after a touch is reported again.
    Returns how many notifications were created."""
    today = today or timezone.localdate()
    plans = (
        EngagementPlan.objects.filter(
            active=True, next_due__lt=today, our_executive__is_active=True
        )
        .select_related("contact", "contact__account", "our_executive")
        .order_by("pk")
    )
    created = 0
    for plan in plans.iterator(chunk_size=500):
        contact = plan.contact
        created += len(
            notify(
                recipients=[plan.our_executive],
                kind=NotificationKind.ENGAGEMENT_OVERDUE,
                title=_("高层维护逾期：%(contact)s（%(account)s）")
                % {"contact": contact.name, "account": contact.account.name},
                body=_("计划「%(purpose)s」应于 %(due)s 前完成接触，目前已逾期。")
                % {"purpose": plan.purpose, "due": plan.next_due.isoformat()},
                url=contact.account.get_absolute_url(),
                subject=plan,
                dedupe_key=f"engagement_overdue:{plan.pk}:{plan.next_due.isoformat()}",
            )
        )
    return created


def personnel_change_notify(*, contact: Contact, actor: User) -> list[Notification]:
    """A key person left or changed post: the account's owner and the owner's manager must
    rebuild the relationship. Whoever recorded the change is not told about it."""
    account = Account.objects.select_related("owner", "owner__manager").get(pk=contact.account_id)
    owner = account.owner
    if owner is None:
        return []
    recipients = [u for u in (owner, owner.manager) if u is not None and u.pk != actor.pk]
    return notify(
        recipients=recipients,
        kind=NotificationKind.PERSONNEL_CHANGE,
        title=_("关键人变动：%(account)s · %(contact)s %(status)s")
        % {
            "account": account.name,
            "contact": contact.name,
            "status": contact.get_status_display(),
        },
        body=_("%(actor)s 记录：%(note)s") % {"actor": actor, "note": contact.status_note},
        url=account.get_absolute_url(),
        subject=contact,
    )
