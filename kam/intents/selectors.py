"""Reads for intent classes: the thresholds, the A-class board and a subject's history."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone

from kam.accounts.rules import owner_scope_ids
from kam.intents.models import DEFAULT_THRESHOLDS, IntentChange, IntentThresholds
from kam.intents.rules import board_owner_q
from kam.leads.enums import LeadStatus
from kam.leads.models import Lead
from kam.leads.selectors import leads_visible_to
from kam.opportunities.enums import IntentClass
from kam.opportunities.models import Opportunity
from kam.opportunities.selectors import opportunities_visible_to
from kam.users.models import Team, User


def intent_thresholds() -> IntentThresholds:
    """The configuration row, created with the defaults when missing (a flushed database)."""
    thresholds, _created = IntentThresholds.objects.get_or_create(
        pk=1, defaults=dict(DEFAULT_THRESHOLDS)
    )
    return thresholds


def intent_suggest(
    expected_sign_date: date | None, today: date, thresholds: IntentThresholds | None = None
) -> str:
    """The class the expected signing date points to: A within a_days, B within b_days, C
    within c_days, none further out, past or unknown."""
    if expected_sign_date is None or expected_sign_date < today:
        return ""
    days = (expected_sign_date - today).days
    thresholds = thresholds or intent_thresholds()
    if days <= thresholds.a_days:
        return IntentClass.A
    if days <= thresholds.b_days:
        return IntentClass.B
    if days <= thresholds.c_days:
        return IntentClass.C
    return ""


def intent_contradicts(
    intent_class: str,
    expected_sign_date: date | None,
    today: date,
    thresholds: IntentThresholds | None = None,
) -> bool:
    """True when a class is set and the date says otherwise: another class, signing beyond
    c_days, or a date already past. No class or no date is nothing to contradict."""
    if not intent_class or expected_sign_date is None:
        return False
    if expected_sign_date < today:
        return True
    return intent_class != intent_suggest(expected_sign_date, today, thresholds)


def open_opportunities() -> Q:
    return Q(closed_at__isnull=True)


def open_leads() -> Q:
    return Q(status__in=(LeadStatus.NEW, LeadStatus.WORKING))


def _last_change(model_field: str) -> Subquery:
    return Subquery(
        IntentChange.objects.filter(**{model_field: OuterRef("pk")})
        .order_by("-changed_at", "-pk")
        .values("changed_at")[:1]
    )


def a_class_opportunities(user: User, team: Team | None = None) -> QuerySet[Opportunity]:
    """Open A-class deals on the user's board, each with `in_a_since` (the last class change,
    or creation when there is no history)."""
    rows = opportunities_visible_to(user).filter(
        board_owner_q(user), open_opportunities(), intent_class=IntentClass.A
    )
    if team is not None:
        rows = rows.filter(owner__team=team)
    return (
        rows.select_related("account", "owner")
        .annotate(in_a_since=Coalesce(_last_change("opportunity"), "created_at"))
        .order_by("owner_id", "expected_sign_date", "pk")
    )


def a_class_leads(user: User, team: Team | None = None) -> QuerySet[Lead]:
    rows = leads_visible_to(user).filter(board_owner_q(user), open_leads(), intent_class="A")
    if team is not None:
        rows = rows.filter(owner__team=team)
    return (
        rows.select_related("account", "owner")
        .annotate(in_a_since=Coalesce(_last_change("lead"), "created_at"))
        .order_by("owner_id", "pk")
    )


@dataclass
class BoardItem:
    kind: str  # "opportunity" | "lead"
    pk: int
    name: str
    url: str
    account: str
    amount: Decimal | None
    expected_sign_date: date | None
    days_in_a: int
    contradicts: bool


@dataclass
class BoardRow:
    owner: User
    counts: dict[str, int] = field(default_factory=lambda: {"A": 0, "B": 0, "C": 0})
    items: list[BoardItem] = field(default_factory=list)


def _days_since(moment: datetime, today: date) -> int:
    """Whole local days: `today` is the local date, and the database hands back UTC."""
    return max(0, (today - timezone.localtime(moment).date()).days)


def intent_board(user: User, today: date, team: Team | None = None) -> list[BoardRow]:
    """Per rep in the user's scope: open A/B/C counts (deals and leads together) and the A-class
    deals and leads themselves. Four queries plus the thresholds, whatever the number of reps."""
    rows: dict[int, BoardRow] = {}
    owners: dict[int, User] = {}
    thresholds = intent_thresholds()

    def row_for(owner: User) -> BoardRow:
        if owner.pk not in rows:
            rows[owner.pk] = BoardRow(owner=owner)
        return rows[owner.pk]

    opportunity_counts = opportunities_visible_to(user).filter(
        board_owner_q(user), open_opportunities(), intent_class__in=["A", "B", "C"]
    )
    lead_counts = leads_visible_to(user).filter(
        board_owner_q(user), open_leads(), intent_class__in=["A", "B", "C"]
    )
    if team is not None:
        opportunity_counts = opportunity_counts.filter(owner__team=team)
        lead_counts = lead_counts.filter(owner__team=team)
    tallies: dict[int, dict[str, int]] = {}
    for queryset in (opportunity_counts, lead_counts):
        grouped = (
            queryset.order_by()
            .values("owner_id")
            .annotate(
                a=Count("pk", filter=Q(intent_class="A")),
                b=Count("pk", filter=Q(intent_class="B")),
                c=Count("pk", filter=Q(intent_class="C")),
            )
        )
        for owner_id, a, b, c in grouped.values_list("owner_id", "a", "b", "c"):
            merged = tallies.setdefault(owner_id, {"A": 0, "B": 0, "C": 0})
            merged["A"] += a
            merged["B"] += b
            merged["C"] += c
    for owner in User.objects.filter(pk__in=list(tallies)).order_by("display_name", "pk"):
        owners[owner.pk] = owner
        row_for(owner).counts = tallies[owner.pk]
    for deal in a_class_opportunities(user, team):
        row_for(owners.get(deal.owner_id, deal.owner)).items.append(
            BoardItem(
                kind="opportunity",
                pk=deal.pk,
                name=deal.name,
                url=deal.get_absolute_url(),
                account=deal.account.name,
                amount=deal.amount,
                expected_sign_date=deal.expected_sign_date,
                days_in_a=_days_since(deal.in_a_since, today),  # type: ignore[attr-defined]
                contradicts=intent_contradicts(
                    deal.intent_class, deal.expected_sign_date, today, thresholds
                ),
            )
        )
    for lead in a_class_leads(user, team):
        row_for(owners.get(lead.owner_id, lead.owner)).items.append(
            BoardItem(
                kind="lead",
                pk=lead.pk,
                name=lead.company_name,
                url=reverse("leads:detail", args=[lead.pk]),
                account=lead.account.name if lead.account else "",
                amount=None,
                expected_sign_date=None,
                days_in_a=_days_since(lead.in_a_since, today),  # type: ignore[attr-defined]
                contradicts=False,
            )
        )
    return list(rows.values())


def intent_history(
    *, opportunity: Opportunity | None = None, lead: Lead | None = None
) -> QuerySet[IntentChange]:
    rows = IntentChange.objects.select_related("actor", "owner")
    if opportunity is not None:
        return rows.filter(opportunity=opportunity).order_by("-changed_at", "-pk")
    return rows.filter(lead=lead).order_by("-changed_at", "-pk")


def board_teams(user: User) -> QuerySet[Team]:
    """The teams the board's filter offers: those of the people on the user's board."""
    owners = User.objects.filter(is_active=True)
    if not user.sees_everything:
        owners = owners.filter(pk__in=owner_scope_ids(user))
    return Team.objects.filter(pk__in=owners.values("team_id")).order_by("name", "pk")


def last_movement() -> Greatest:
    """An open deal's last movement: the later of entering its stage and its last class change."""
    return Greatest("stage_entered_at", Coalesce(_last_change("opportunity"), "stage_entered_at"))
