"""Reads for interactions and the account timeline (R-ACT-1, R-ACT-3).

Everything starts from the visibility layer (kam.accounts.rules); the timeline is only ever built
for an account the caller has already fetched through `account_get_visible`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import Lag
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.accounts.enums import Grade
from kam.accounts.models import Account, AccountTeamMember, GradeChange, OwnerChange
from kam.accounts.rules import account_visibility_q, owner_scope_ids
from kam.accounts.selectors import accounts_visible_to
from kam.contacts.models import Contact, ScoreChange
from kam.interactions.models import Attachment, Interaction
from kam.users.enums import Role
from kam.users.models import User


def interactions_visible_to(user: User) -> QuerySet[Interaction]:
    return Interaction.objects.filter(account_visibility_q(user, prefix="account__"))


def interaction_get_visible(user: User, pk: int) -> Interaction:
    return get_object_or_404(interactions_visible_to(user).select_related("account"), pk=pk)


def interaction_get_detail(user: User, pk: int) -> Interaction:
    """The interaction with everything its page shows, or 404 when invisible."""
    return get_object_or_404(
        interactions_visible_to(user)
        .select_related("account", "account__owner", "created_by", "accompanied_by")
        .prefetch_related("our_participants", "their_participants", "attachments"),
        pk=pk,
    )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def interaction_list(
    user: User,
    *,
    kind: str = "",
    account_text: str = "",
    account_id: int | None = None,
    author_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    accompanied: bool | None = None,
    has_next_step: bool | None = None,
    oldest_first: bool = False,
) -> QuerySet[Interaction]:
    """Visible interactions, filtered; related rows loaded so a page costs a fixed few queries.

    Dates are whole days in the current time zone (the signed-in user's).
    """
    rows = interactions_visible_to(user)
    if kind:
        rows = rows.filter(kind=kind)
    if account_text:
        rows = rows.filter(account__name__icontains=account_text.strip())
    if account_id is not None:
        rows = rows.filter(account_id=account_id)
    if author_id is not None:
        rows = rows.filter(created_by_id=author_id)
    if date_from is not None:
        rows = rows.filter(occurred_at__gte=_day_start(date_from))
    if date_to is not None:
        rows = rows.filter(occurred_at__lt=_day_start(date_to + timedelta(days=1)))
    if accompanied is not None:
        rows = rows.filter(accompanied=accompanied)
    if has_next_step is True:
        rows = rows.exclude(next_step="")
    elif has_next_step is False:
        rows = rows.filter(next_step="")
    order = ["occurred_at", "pk"] if oldest_first else ["-occurred_at", "-pk"]
    return (
        rows.select_related("account", "created_by", "accompanied_by")
        .prefetch_related("our_participants", "their_participants")
        .order_by(*order)
    )


EXPORT_ONLY = [
    "id", "occurred_at", "kind", "subject", "outcome", "next_step", "next_step_date",
    "accompanied", "account_id", "created_by_id", "accompanied_by_id", "account__id",
    "account__name", "created_by__id", "created_by__username", "created_by__display_name",
    "accompanied_by__id", "accompanied_by__username", "accompanied_by__display_name",
]  # fmt: skip


def interactions_for_export(user: User, **filters: Any) -> QuerySet[Interaction]:
    """`interaction_list` with only the exported columns; participants come two queries per
    chunk when iterated with `.iterator(chunk_size=…)`."""
    return (
        interaction_list(user, **filters)
        .prefetch_related(None)
        .prefetch_related(
            Prefetch(
                "our_participants",
                queryset=User.objects.only("id", "username", "display_name").order_by("pk"),
            ),
            Prefetch("their_participants", queryset=Contact.objects.only("id", "name")),
        )
        .only(*EXPORT_ONLY)
    )


def attachment_get_visible(user: User, pk: int) -> Attachment:
    """An attachment whose interaction's account the user sees, or 404."""
    return get_object_or_404(
        Attachment.objects.filter(
            account_visibility_q(user, prefix="interaction__account__")
        ).select_related("interaction", "interaction__account"),
        pk=pk,
    )


# --------------------------------------------------------------------------------------------
# Choices for the form (bounded: a phone must be able to render them).

ACCOUNT_CHOICES_LIMIT = 200
# People who usually accompany a rep on a visit, whatever team they sit in.
_ACCOMPANYING_ROLES = [Role.SALES_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER]


def accounts_loggable_by(user: User, limit: int = ACCOUNT_CHOICES_LIMIT) -> QuerySet[Account]:
    """Accounts `user` may log a visit against (edits them or sits on their team), most recently
    active first. Bounded: the create page offers these when no account is preselected."""
    rows = accounts_visible_to(user)
    if not user.sees_everything:
        member_of = AccountTeamMember.objects.filter(user_id=user.pk).values("account_id")
        rows = rows.filter(Q(owner_id__in=owner_scope_ids(user)) | Q(pk__in=member_of))
    return rows.only("id", "name").order_by(F("last_activity_at").desc(nulls_last=True), "name")[
        :limit
    ]


def account_loggable_ids(user: User) -> QuerySet[Account]:
    """Unsliced version of `accounts_loggable_by` for validating a posted account id."""
    rows = accounts_visible_to(user)
    if not user.sees_everything:
        member_of = AccountTeamMember.objects.filter(user_id=user.pk).values("account_id")
        rows = rows.filter(Q(owner_id__in=owner_scope_ids(user)) | Q(pk__in=member_of))
    return rows.only("id", "name")


def participant_user_choices(
    *, actor: User, account: Account | None = None, include_ids: Iterable[int] = ()
) -> QuerySet[User]:
    """Colleagues likely to join a visit: the actor's team, their manager, the account's owner
    and team, the managers and directors who accompany visits, and anyone already chosen."""
    wanted = Q(pk=actor.pk) | Q(pk__in=list(include_ids)) | Q(role__in=_ACCOMPANYING_ROLES)
    if actor.team_id:
        wanted |= Q(team_id=actor.team_id)
    if actor.manager_id:
        wanted |= Q(pk=actor.manager_id)
    if account is not None:
        if account.owner_id:
            wanted |= Q(pk=account.owner_id)
        wanted |= Q(
            pk__in=AccountTeamMember.objects.filter(account_id=account.pk).values("user_id")
        )
    return User.objects.filter(wanted, is_active=True).order_by("display_name", "username")


def account_contacts(account: Account) -> QuerySet[Contact]:
    return Contact.objects.filter(account_id=account.pk).only("id", "name", "title", "account_id")


# --------------------------------------------------------------------------------------------
# The account timeline (R-ACT-3): one stream, newest first, of everything that happened.


@dataclass
class TimelineItem:
    at: datetime
    kind: str  # css class suffix: interaction / score / grade / owner / …
    title: str
    detail: str = ""
    url: str = ""
    actor: str = ""
    label: str = ""  # the badge text; sources registered by other apps name their own kind
    obj: Any = field(default=None, repr=False)
    # Breaks ties between items with the same timestamp so paging is stable.
    tiebreak: int = 0


TimelineSource = Callable[[Account, datetime | None, int], list[TimelineItem]]
TIMELINE_LIMIT = 50


def _interaction_items(account: Account, before: datetime | None, limit: int) -> list[TimelineItem]:
    rows = (
        Interaction.objects.filter(account_id=account.pk)
        .select_related("created_by")
        .prefetch_related("our_participants", "their_participants")
        .order_by("-occurred_at", "-pk")
    )
    if before is not None:
        rows = rows.filter(occurred_at__lt=before)
    return [
        TimelineItem(
            at=row.occurred_at,
            kind="interaction",
            title=row.subject,
            detail=row.outcome,
            url=row.get_absolute_url(),
            actor=str(row.created_by) if row.created_by else "",
            obj=row,
            tiebreak=row.pk,
        )
        for row in rows[:limit]
    ]


_SCORE_LABELS = (
    ("closeness", gettext_lazy("关系")),
    ("solution_acceptance", gettext_lazy("方案")),
    ("price_acceptance", gettext_lazy("价格")),
)


def _score_items(account: Account, before: datetime | None, limit: int) -> list[TimelineItem]:
    previous = {
        f"prev_{name}": Window(
            Lag(name),
            partition_by=[F("contact_id")],
            order_by=[F("changed_at").asc(), F("pk").asc()],
        )
        for name, _label in _SCORE_LABELS
    }
    rows = (
        ScoreChange.objects.filter(contact__account_id=account.pk)
        .select_related("contact", "actor")
        .annotate(**previous)
        .order_by("-changed_at", "-pk")
    )
    if before is not None:
        # Earlier rows stay in the window, so the deltas remain right on later pages.
        rows = rows.filter(changed_at__lt=before)
    items = []
    for row in rows[:limit]:
        parts = []
        first = getattr(row, "prev_closeness", None) is None
        for name, label in _SCORE_LABELS:
            new = getattr(row, name)
            old = getattr(row, f"prev_{name}", None)
            if first:
                parts.append(f"{label} {new}")
            elif old != new:
                parts.append(f"{label} {old}→{new}")
        if first:
            title = _("%(name)s 初始评分 %(scores)s") % {
                "name": row.contact.name,
                "scores": " · ".join(parts),
            }
        else:
            title = f"{row.contact.name} {' · '.join(parts) or _('评分未变')}"
        items.append(
            TimelineItem(
                at=row.changed_at,
                kind="score",
                title=title,
                detail=row.note,
                url=row.contact.get_absolute_url(),
                actor=str(row.actor) if row.actor else "",
                obj=row,
                tiebreak=row.pk,
            )
        )
    return items


def _grade_items(account: Account, before: datetime | None, limit: int) -> list[TimelineItem]:
    rows = (
        GradeChange.objects.filter(account_id=account.pk)
        .select_related("actor")
        .order_by("-changed_at", "-pk")
    )
    if before is not None:
        rows = rows.filter(changed_at__lt=before)
    labels = dict(Grade.choices)
    items = []
    for row in rows[:limit]:
        if row.from_grade:
            title = _("客户分级 %(old)s → %(new)s") % {
                "old": labels.get(row.from_grade, row.from_grade),
                "new": labels.get(row.to_grade, row.to_grade),
            }
        else:
            title = _("客户分级定为 %(new)s") % {"new": labels.get(row.to_grade, row.to_grade)}
        items.append(
            TimelineItem(
                at=row.changed_at,
                kind="grade",
                title=str(title),
                detail=row.reason,
                actor=str(row.actor) if row.actor else "",
                obj=row,
                tiebreak=row.pk,
            )
        )
    return items


def _owner_items(account: Account, before: datetime | None, limit: int) -> list[TimelineItem]:
    rows = (
        OwnerChange.objects.filter(account_id=account.pk)
        .select_related("from_owner", "to_owner", "actor")
        .order_by("-changed_at", "-pk")
    )
    if before is not None:
        rows = rows.filter(changed_at__lt=before)
    items = []
    for row in rows[:limit]:
        if row.to_owner is None:
            title = _("%(old)s 将客户退回公海") % {"old": row.from_owner or _("（无）")}
        elif row.from_owner is None:
            title = _("客户经理设为 %(new)s") % {"new": row.to_owner}
        else:
            title = _("客户经理 %(old)s → %(new)s") % {"old": row.from_owner, "new": row.to_owner}
        items.append(
            TimelineItem(
                at=row.changed_at,
                kind="owner",
                title=str(title),
                detail=row.reason,
                actor=str(row.actor) if row.actor else "",
                obj=row,
                tiebreak=row.pk,
            )
        )
    return items


# Later sources (stage moves, contracts, payments …) append themselves here with
# `timeline_register_source`; each returns at most `limit` items older than `before`, newest first.
TIMELINE_SOURCES: list[TimelineSource] = [
    _interaction_items,
    _score_items,
    _grade_items,
    _owner_items,
]


def timeline_register_source(source: TimelineSource) -> TimelineSource:
    if source not in TIMELINE_SOURCES:
        TIMELINE_SOURCES.append(source)
    return source


def account_timeline(
    *, account: Account, before: datetime | None = None, limit: int = TIMELINE_LIMIT
) -> list[TimelineItem]:
    """The newest `limit` events of the account older than `before`, newest first.

    One bounded query per source (plus prefetches), merged in Python: each source can contribute
    at most `limit` items, so asking each for `limit` is enough to get the right top `limit`.
    """
    items: list[TimelineItem] = []
    for source in TIMELINE_SOURCES:
        items.extend(source(account, before, limit))
    items.sort(key=lambda item: (item.at, item.kind, item.tiebreak), reverse=True)
    return items[:limit]
