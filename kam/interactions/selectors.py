"""Reads for interactions and the account timeline (R-ACT-1, R-ACT-3).

Everything starts from the visibility layer (kam.accounts.rules); the timeline is only ever built
for an account the caller has already fetched through `account_get_visible`.
"""

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import batched
from typing import Any

from django.db.models import (
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import BaseExpression
from django.db.models.functions import Coalesce, JSONObject, NullIf
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kam.accounts.models import Account, AccountTeamMember
from kam.accounts.rules import account_visibility_q, owner_scope_ids
from kam.accounts.selectors import accounts_visible_to
from kam.contacts.models import Contact
from kam.core.choices import choice_labels
from kam.core.pagination import PAGE_SIZE, Page, paginate_by_key, rows_by_key
from kam.core.prepared import PreparedQuery
from kam.interactions.enums import InteractionKind
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


def interactions_matching(
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
    every_row: bool = False,
) -> QuerySet[Interaction]:
    """Visible interactions, filtered and in the list's order, nothing joined.

    Visibility is checked per visit (EXISTS on its account) rather than by joining the
    accounts: the database then walks the time index and stops at the page's last row. Joined,
    it took every visible account's visits and sorted them (1.3 s for a director at 2M).
    A caller reading `every_row` (the export) has no last row to stop at: the visible
    accounts' visits are gathered by account (id sets) and sorted, instead of walking all 2M
    (a rep's 71k visits on SQLite: 2.5 s → 0.8 s).
    Dates are whole days in the current time zone (the signed-in user's).
    """
    if every_row:
        rows = Interaction.objects.filter(account_visibility_q(user, "account__", as_id_sets=True))
    else:
        rows = Interaction.objects.filter(
            Exists(Account.objects.filter(account_visibility_q(user), pk=OuterRef("account_id")))
        )
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
    return rows.order_by(*(["occurred_at", "pk"] if oldest_first else ["-occurred_at", "-pk"]))


def _with_list_relations(rows: QuerySet[Interaction]) -> QuerySet[Interaction]:
    return rows.select_related("account", "created_by", "accompanied_by").prefetch_related(
        "our_participants", "their_participants"
    )


# What the list page shows (kam/interactions/list_rows.py); the visits' long texts and the
# participants' other columns were most of the rows' reading time.
PAGE_ONLY = [
    "id", "occurred_at", "kind", "accompanied", "subject", "next_step", "next_step_date",
    "account_id", "created_by_id", "account__id", "account__name", "created_by__id",
    "created_by__username", "created_by__display_name",
]  # fmt: skip


def interaction_list_page(
    user: User, page: int, *, per_page: int = PAGE_SIZE, **filters: Any
) -> Page:
    """A page of the list, its keys found first (`paginate_by_key`): one query for the rows
    (the columns the page shows), plus the participants' names."""
    matching = interactions_matching(user, **filters)

    def rows(keys: QuerySet[Any]) -> QuerySet[Interaction]:
        return (
            Interaction.objects.filter(pk__in=keys)
            .select_related("account", "created_by")
            .only(*PAGE_ONLY)
            .prefetch_related(
                Prefetch("our_participants", User.objects.only("id", "username", "display_name")),
                Prefetch("their_participants", Contact.objects.only("id", "account_id", "name")),
            )
            .order_by(*matching.query.order_by)
        )

    return paginate_by_key(matching, rows, page, per_page)


def interaction_list_slice(
    user: User, offset: int, count: int, **filters: Any
) -> list[Interaction]:
    """`count` rows of `interactions_matching` from `offset` with their related rows, found
    the same way (the API)."""
    matching = interactions_matching(user, **filters)
    return rows_by_key(
        matching,
        lambda keys: _with_list_relations(Interaction.objects.filter(pk__in=keys)).order_by(
            *matching.query.order_by
        ),
        offset,
        count,
    )


def interactions_recent(user: User, count: int, fields: Iterable[str]) -> list[Interaction]:
    """The newest `count` visible interactions with their account and author, only `fields`."""
    matching = interactions_matching(user)
    return rows_by_key(
        matching,
        lambda keys: (
            Interaction.objects.filter(pk__in=keys)
            .select_related("account", "created_by")
            .only(*fields)
            .order_by(*matching.query.order_by)
        ),
        0,
        count,
    )


EXPORT_CHUNK = 2000
EXPORT_COLUMNS = (
    "id", "occurred_at", "account__name", "kind", "subject", "accompanied", "accompanied_by_id",
    "created_by_id", "outcome", "next_step", "next_step_date",
)  # fmt: skip


def interaction_export_rows(user: User, **filters: Any) -> Iterator[list[Any]]:
    """The list's rows as the export writes them (EXPORT_HEADERS in the views), in the list's
    order, from plain values: model instances with two related managers and a choice label
    each took ~200 µs a row (a rep's 71k visits: 15 s). Colleagues' names come from one read
    of the users; the people taking part, per chunk of EXPORT_CHUNK visits."""
    kinds = choice_labels(InteractionKind)
    users = {
        pk: name or login
        for pk, name, login in User.objects.values_list("pk", "display_name", "username")
    }
    rows = interactions_matching(user, **filters, every_row=True).values_list(*EXPORT_COLUMNS)
    for chunk in batched(rows.iterator(chunk_size=EXPORT_CHUNK), EXPORT_CHUNK):
        ids = [row[0] for row in chunk]
        theirs = _names_by_visit(
            Interaction.their_participants.through.objects.filter(interaction_id__in=ids)
            .order_by("contact__account_id", "contact__name")
            .values_list("interaction_id", "contact__name")
        )
        ours = _names_by_visit(
            (visit_id, users[user_id])
            for visit_id, user_id in Interaction.our_participants.through.objects.filter(
                interaction_id__in=ids
            )
            .order_by("user_id")
            .values_list("interaction_id", "user_id")
        )
        for (
            pk, occurred_at, account_name, kind, subject, accompanied, companion_id, author_id,
            outcome, next_step, next_step_date,
        ) in chunk:  # fmt: skip
            yield [
                occurred_at, account_name, kinds.get(kind, kind), subject,
                "、".join(theirs.get(pk, ())), "、".join(ours.get(pk, ())), accompanied,
                users.get(companion_id, ""), users.get(author_id, ""), outcome, next_step,
                next_step_date,
            ]  # fmt: skip


def _names_by_visit(rows: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    """(visit id, name) pairs → each visit's names, in the pairs' order."""
    names: dict[int, list[str]] = defaultdict(list)
    for visit_id, name in rows:
        names[visit_id].append(name)
    return names


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
    """Unsliced version of `accounts_loggable_by` for validating a posted account id. Whole
    rows: the one validated is the row the create page hands to the service."""
    rows = accounts_visible_to(user)
    if not user.sees_everything:
        member_of = AccountTeamMember.objects.filter(user_id=user.pk).values("account_id")
        rows = rows.filter(Q(owner_id__in=owner_scope_ids(user)) | Q(pk__in=member_of))
    return rows


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
    # What a visit's row shows besides its type (label), subject (title) and outcome (detail).
    accompanied: bool = False
    people: str = ""  # their participants, then ours
    next_step: str = ""
    next_step_date: date | None = None
    # Breaks ties between items with the same timestamp so paging is stable.
    tiebreak: int = 0


# Compared and hashed by identity: the prepared queries are keyed by the registered sources.
@dataclass(frozen=True, eq=False)
class TimelineSource:
    """One kind of event: `events(account_id)` selects the account's rows, one event per row,
    timed by the field `at`. `show` names what an item shows — field paths or expressions on
    the row, the keys of a JSON payload the timeline's one query carries — and `item(values)`
    builds the item from that payload plus "at" (the event's time) and "pk" (the row's key, the
    tiebreak). The query is compiled once per process (see `account_timeline`), so `events`
    and `show` must not read the database or the active language.
    Payload values are as JSON returns them: dates as ISO text, numbers with a fraction as
    Decimal, flags as true/false or 1/0; labels and translations are made in `item`, in the
    request's language. `kind` is the items' kind — an expression when one source yields two
    kinds — and, after the time, the order of events at the same moment."""

    events: Callable[[int], QuerySet[Any]]
    at: str
    kind: str | Expression
    show: Mapping[str, str | BaseExpression]
    item: Callable[[dict[str, Any]], TimelineItem]


def user_text(path: str) -> Expression:
    """`str(user)` (kam/users/models.py: the display name, else the username) of the user at
    `path`, computed in SQL so payloads and participant lists carry it; NULL without a user."""
    return Coalesce(NullIf(F(f"{path}__display_name"), Value("")), F(f"{path}__username"))


class _PayloadDecoder(json.JSONDecoder):
    """Money stays exact: a number with a fraction decodes as Decimal, never as float."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{**kwargs, "parse_float": Decimal})


TIMELINE_LIMIT = 50

# Each app registers its sources with `timeline_register_source` in its `AppConfig.ready()`
# (this app's own: visits, scores, grades and owners, in kam/interactions/timeline.py).
TIMELINE_SOURCES: list[TimelineSource] = []


def timeline_register_source(source: TimelineSource) -> TimelineSource:
    if source not in TIMELINE_SOURCES:
        TIMELINE_SOURCES.append(source)
    return source


def _newest_events(
    source: TimelineSource, number: int, account_id: int, before: datetime | None, limit: int
) -> QuerySet[Any]:
    """(time, kind, id, source number, payload) of the source's newest `limit` events before
    `before`. The payload is one JSON column so every part of the UNION has the same shape."""
    kind = Value(source.kind) if isinstance(source.kind, str) else source.kind
    rows = source.events(account_id)
    if before is not None:
        rows = rows.filter(**{f"{source.at}__lt": before})
    # SQLite allows no LIMIT inside a part of a UNION, so the part selects its rows by id.
    newest = (
        rows.annotate(timeline_at=F(source.at), timeline_kind=kind)
        .order_by("-timeline_at", "-timeline_kind", "-pk")
        .values("pk")[:limit]
    )
    payload = ExpressionWrapper(
        JSONObject(**source.show), output_field=JSONField(decoder=_PayloadDecoder)
    )
    return (
        rows.model._default_manager.filter(pk__in=newest)
        .annotate(
            timeline_at=F(source.at),
            timeline_kind=kind,
            timeline_id=F("pk"),
            timeline_source=Value(number),
            timeline_payload=payload,
        )
        .order_by()  # a model's default ordering is not allowed inside a UNION on SQLite
        .values_list(
            "timeline_at", "timeline_kind", "timeline_id", "timeline_source", "timeline_payload"
        )
    )


def _timeline_query(limit: int, paged: bool) -> PreparedQuery:
    """The timeline's UNION for the registered sources, compiled once per process."""
    sources = tuple(TIMELINE_SOURCES)

    def build(account_id: int, before: datetime | None = None) -> QuerySet[Any]:
        parts = [
            _newest_events(source, number, account_id, before, limit)
            for number, source in enumerate(sources)
        ]
        return (
            parts[0]
            .union(*parts[1:], all=True)
            .order_by("-timeline_at", "-timeline_kind", "-timeline_id")[:limit]
        )

    key = (sources, limit, paged)
    if key not in _TIMELINE_QUERIES:
        kinds = (int, datetime) if paged else (int,)
        _TIMELINE_QUERIES[key] = PreparedQuery(build, kinds)
    return _TIMELINE_QUERIES[key]


_TIMELINE_QUERIES: dict[tuple[tuple[TimelineSource, ...], int, bool], PreparedQuery] = {}


def account_timeline(
    *, account: Account, before: datetime | None = None, limit: int = TIMELINE_LIMIT
) -> list[TimelineItem]:
    """The newest `limit` events of the account older than `before`, newest first.

    One query whatever the kinds present and however many rows each source has: a UNION ALL
    of every source's newest `limit` events, each with the payload its item shows, keeps the
    newest `limit` of them. Building and compiling that UNION costs forty times what running
    it does, so it is prepared once per process and run with the account (and `before`).
    """
    if not TIMELINE_SOURCES:
        return []
    query = _timeline_query(limit, paged=before is not None)
    values = (account.pk,) if before is None else (account.pk, before)
    return [
        TIMELINE_SOURCES[number].item({**payload, "at": at, "pk": pk})
        for at, _kind, pk, number, payload in query.run(*values)
    ]
