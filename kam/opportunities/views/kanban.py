"""The opportunity kanban (SPEC R-OPP-2): a column per active stage, cards dragged between
columns post to `board_move`, which calls the one move service with channel kanban.

Reads are constant in the number of cards: one query ranks the cards of each column and counts
and sums the columns (window functions per stage), one fetches the capped cards, one reads every
badge source.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kam.accounts.rules import account_visibility_q, list_gathers_by_id_sets, owner_scope_ids
from kam.core.aggregates import fen, fen_sum, yuan
from kam.core.http import AuthenticatedHttpRequest
from kam.core.versioning import STALE_MESSAGE
from kam.opportunities.enums import CloseReason, MoveChannel, StageKind
from kam.opportunities.models import Opportunity, SalesProcess, Stage
from kam.opportunities.panels import badges_for
from kam.opportunities.selectors import process_stages
from kam.opportunities.services.moves import GateRefused, opportunity_move
from kam.users.models import Team, User

CARDS_PER_COLUMN = 50
# What a card shows and needs (the template's card partial, `movable`): whole account and
# user rows for 400 cards cost more than their query.
CARD_FIELDS = (
    "version", "name", "number", "amount", "intent_class", "expected_sign_date", "stage_id",
    "closed_at", "updated_at", "account__name", "account__owner_id", "owner__username",
    "owner__display_name",
)  # fmt: skip
CLOSED_WINDOW_DAYS = 90


@dataclass
class BoardFilters:
    process: SalesProcess
    owner: int | None = None
    team: int | None = None
    mine: bool = False
    # Every member of `team`, active or not, when the caller has read them already.
    team_members: list[int] | None = None

    def query(self) -> dict[str, Any]:
        data: dict[str, Any] = {"process": self.process.pk}
        if self.owner:
            data["owner"] = self.owner
        if self.team:
            data["team"] = self.team
        if self.mine:
            data["mine"] = "1"
        return data


@dataclass
class Column:
    stage: Stage
    count: int = 0
    total: Decimal = Decimal("0.00")
    cards: list[Opportunity] = field(default_factory=list)
    more_url: str = ""
    cards_url: str = ""  # a closed column's cards, loaded when its fold opens

    @property
    def closed(self) -> bool:
        return self.stage.kind != StageKind.OPEN


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def _processes() -> list[SalesProcess]:
    return list(SalesProcess.objects.filter(active=True).order_by("-is_default", "name_zh", "pk"))


def board_filters(user: User, params: Any, processes: list[SalesProcess]) -> BoardFilters:
    """Parse the query string; unknown or out-of-scope values are ignored, never trusted."""
    wanted = _int(params.get("process"))
    process = next((p for p in processes if p.pk == wanted), None)
    if process is None:
        process = next((p for p in processes if p.is_default), None) or processes[0]
    owner = _int(params.get("owner"))
    if owner is not None and not user.sees_everything and owner not in owner_scope_ids(user):
        owner = None
    return BoardFilters(
        process=process, owner=owner, team=_int(params.get("team")), mine=bool(params.get("mine"))
    )


def board_queryset(user: User, filters: BoardFilters) -> QuerySet[Opportunity]:
    """The visible deals of the process on the board: open ones, and closed in the last 90 days."""
    since = timezone.now() - timedelta(days=CLOSED_WINDOW_DAYS)
    # A board narrowed to people reads their deals by the owner index and checks each one's
    # account; a whole board gathers the visible accounts' deals by id sets (SQLite: a rep's
    # 412 → 62 ms, a director's 428 → 164 ms; PostgreSQL is as fast or faster with the sets).
    narrowed = bool(filters.mine or filters.owner or filters.team)
    as_id_sets = list_gathers_by_id_sets(user) or not narrowed
    queryset = Opportunity.objects.filter(
        account_visibility_q(user, "account__", as_id_sets=as_id_sets),
        Q(closed_at__isnull=True) | Q(closed_at__gte=since),
        process=filters.process,
        stage__active=True,
    )
    if filters.mine:
        queryset = queryset.filter(owner=user)
    elif filters.owner:
        queryset = queryset.filter(owner_id=filters.owner)
    if filters.team and filters.team_members is not None:
        # As a list PostgreSQL reads the members' deals by the owner index; joined to the
        # users it scanned every deal of the process.
        queryset = queryset.filter(owner_id__in=filters.team_members)
    elif filters.team:
        queryset = queryset.filter(owner__team_id=filters.team)
    return queryset


def board_totals(queryset: QuerySet[Opportunity]) -> dict[int, tuple[int, Decimal]]:
    rows = (
        queryset.order_by()
        .values("stage_id")
        .annotate(n=Count("pk"), total_fen=fen_sum(fen("amount"), Q()))
    )
    return {row["stage_id"]: (row["n"], yuan(row["total_fen"])) for row in rows}


def _more_url(filters: BoardFilters, stage: Stage) -> str:
    try:
        base = reverse("opportunities:list")
    except NoReverseMatch:
        return ""
    return f"{base}?{urlencode({'process': filters.process.pk, 'stage': stage.pk})}"


def _ranked_cards(queryset: QuerySet[Opportunity]) -> list[tuple[int, int, int, int]]:
    """(pk, stage, column count, column total in fen) of the newest cards of each column.

    The counts and sums ride on the ranking as window functions over the same partition: one
    scan of the filtered deals instead of two. Ranked on the narrow columns only: sorting a
    team's thousands of whole rows (texts and all) cost more than the rest of the page."""
    per_stage = [F("stage_id")]
    ranked = (
        queryset.order_by()
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=per_stage,
                order_by=[F("updated_at").desc(), F("pk").desc()],
            ),
            column_count=Window(Count("pk"), partition_by=per_stage),
            column_fen=Window(Sum(fen("amount")), partition_by=per_stage),
        )
        .filter(rank__lte=CARDS_PER_COLUMN)
    )
    return list(ranked.values_list("pk", "stage_id", "column_count", "column_fen"))


def _cards(user: User, ids: list[int]) -> list[Opportunity]:
    """The deals `ids` as cards, newest first, with their badges and whether `user` may move
    them: three queries whatever the number."""
    cards = list(
        Opportunity.objects.filter(pk__in=ids)
        .select_related("account", "owner")
        .only(*CARD_FIELDS)
        .order_by("-updated_at", "-pk")
    )
    badges = badges_for([card.pk for card in cards])
    scope = owner_scope_ids(user)
    for card in cards:
        card.badges = badges.get(card.pk, [])  # type: ignore[attr-defined]
        card.movable = user.sees_everything or bool(  # type: ignore[attr-defined]
            {card.owner_id, card.account.owner_id} & scope
        )
    return cards


def board_columns(user: User, filters: BoardFilters) -> list[Column]:
    """The columns with their counts and sums; cards for the open stages. A closed column's
    recent deals sit folded away and load when it is opened (`board_closed`)."""
    columns = {s.pk: Column(stage=s) for s in process_stages(filters.process, active_only=True)}
    ranked = _ranked_cards(board_queryset(user, filters))
    for _pk, stage_id, count, total_fen in ranked:
        if stage_id in columns:
            columns[stage_id].count, columns[stage_id].total = count, yuan(total_fen)
    # Fetched by key from the ids in hand: PostgreSQL plans the ranking as a subquery here with
    # a scan of every deal.
    shown = [
        pk for pk, stage_id, *_ in ranked if stage_id in columns and not columns[stage_id].closed
    ]
    for card in _cards(user, shown):
        columns[card.stage_id].cards.append(card)
    query = urlencode(filters.query())
    for column in columns.values():
        if column.closed and column.count:
            column.cards_url = (
                f"{reverse('opportunities:board_closed', args=[column.stage.pk])}?{query}"
            )
        shown_count = CARDS_PER_COLUMN if column.closed else len(column.cards)
        if column.count > shown_count:
            column.more_url = _more_url(filters, column.stage)
    return list(columns.values())


@require_GET
def board_closed(request: AuthenticatedHttpRequest, stage_pk: int) -> HttpResponse:
    """The recent deals of a closed column, for its fold (htmx), under the board's filters."""
    processes = _processes()
    filters = board_filters(request.user, request.GET, processes) if processes else None
    if filters is None:
        raise Http404
    stage = get_object_or_404(
        Stage.objects.exclude(kind=StageKind.OPEN), pk=stage_pk, process=filters.process,
        active=True,
    )  # fmt: skip
    ids = (
        board_queryset(request.user, filters)
        .filter(stage=stage)
        .order_by("-updated_at", "-pk")
        .values_list("pk", flat=True)[:CARDS_PER_COLUMN]
    )
    cards = _cards(request.user, list(ids))
    return render(request, "opportunities/kanban.html#closed_cards", {"cards": cards})


def _choices(user: User, filters: BoardFilters) -> tuple[list[User], list[Team]]:
    """The owners and teams to filter by; the filtered team's members (active or not, seen or
    not) come in the same query and are set on `filters`."""
    users = User.objects.select_related("team").order_by("username")
    choosable = Q(is_active=True)
    if not user.sees_everything:
        choosable &= Q(pk__in=owner_scope_ids(user))
    if filters.team:
        users = users.filter(choosable | Q(team_id=filters.team))
        filters.team_members = []
    else:
        users = users.filter(choosable)
    owners = []
    for candidate in users:
        if filters.team_members is not None and candidate.team_id == filters.team:
            filters.team_members.append(candidate.pk)
        if candidate.is_active and (user.sees_everything or candidate.pk in owner_scope_ids(user)):
            owners.append(candidate)
    teams = sorted({u.team for u in owners if u.team is not None}, key=lambda t: t.name)
    if user.sees_everything:
        teams = list(Team.objects.order_by("name"))
    return owners, teams


@require_GET
def board(request: AuthenticatedHttpRequest) -> HttpResponse:
    processes = _processes()
    if not processes:
        return render(request, "opportunities/kanban.html", {"columns": [], "processes": []})
    filters = board_filters(request.user, request.GET, processes)
    owners, teams = _choices(request.user, filters)
    context = {
        "processes": processes,
        "filters": filters,
        "filter_query": urlencode(filters.query()),
        "columns": board_columns(request.user, filters),
        "owners": owners,
        "teams": teams,
        "close_reasons": CloseReason.choices,
    }
    return render(request, "opportunities/kanban.html", context)


def _summary(user: User, filters: BoardFilters) -> list[dict[str, Any]]:
    totals = board_totals(board_queryset(user, filters))
    return [
        {
            "stage_id": stage.pk,
            "count": totals.get(stage.pk, (0, Decimal(0)))[0],
            "total": f"{totals.get(stage.pk, (0, Decimal('0.00')))[1]:,.2f}",
        }
        for stage in process_stages(filters.process, active_only=True)
    ]


def _refused(detail: str, status: int, **extra: Any) -> JsonResponse:
    return JsonResponse({"ok": False, "detail": detail, **extra}, status=status)


@require_POST
def board_move(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    """A card dropped on another column: JSON with the new version and the column totals, or
    the refusal (every missing gate item, the conflict message) for the card to snap back."""
    user = request.user
    opportunity = get_object_or_404(
        Opportunity.objects.filter(account_visibility_q(user, "account__")).select_related(
            "account", "stage", "process"
        ),
        pk=pk,
    )
    stage_pk = _int(request.POST.get("to_stage"))
    stage = (
        Stage.objects.filter(pk=stage_pk, process_id=opportunity.process_id).first()
        if stage_pk is not None
        else None
    )
    version = _int(request.POST.get("version"))
    if stage is None or version is None:
        return _refused(_("请选择有效的目标阶段。"), 422)
    try:
        move = opportunity_move(
            opportunity=opportunity,
            to_stage=stage,
            actor=user,
            version=version,
            channel=MoveChannel.KANBAN,
            close_reason=request.POST.get("close_reason", ""),
            close_note=request.POST.get("close_note", ""),
        )
    except PermissionDenied as error:
        return _refused(str(error) or _("没有权限。"), 403)
    except GateRefused as refused:
        return _refused(
            refused.messages[0], 422, missing=[item.as_dict() for item in refused.missing]
        )
    except ValidationError as error:
        if str(STALE_MESSAGE) in [str(message) for message in error.messages]:
            return _refused(str(STALE_MESSAGE), 409)
        return _refused("；".join(error.messages), 422)
    filters = board_filters(user, request.GET, [opportunity.process])
    return JsonResponse(
        {
            "ok": True,
            "move_id": move.pk,
            "opportunity": {
                "id": opportunity.pk,
                "version": opportunity.version,
                "stage_id": opportunity.stage_id,
            },
            "columns": _summary(user, filters),
        }
    )
