"""Reads of sales processes, stages and opportunities. Processes are readable by everyone
logged in; opportunities only through the account visibility layer."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Prefetch,
    Q,
    QuerySet,
)
from django.shortcuts import get_object_or_404

from kam.accounts.models import Account
from kam.accounts.rules import account_visibility_q, list_gathers_by_id_sets
from kam.accounts.selectors import account_owner_choices
from kam.approvals.registry import approval_type_label
from kam.core.aggregates import fen, fen_sum, weighted_fen, yuan
from kam.core.ordering import sort_order
from kam.opportunities.enums import StageKind, TeamRole
from kam.opportunities.gates import GATE_FIELDS, Missing, gate_checks
from kam.opportunities.models import (
    AttestationRecord,
    Competitor,
    Opportunity,
    OpportunityLine,
    OpportunityTeamMember,
    SalesProcess,
    Stage,
    StageAttestation,
    StageMove,
    localised,
)
from kam.users.models import User


def _with_stages(queryset: QuerySet[SalesProcess]) -> QuerySet[SalesProcess]:
    return queryset.prefetch_related(Prefetch("stages", queryset=Stage.objects.order_by("order")))


def sales_processes_list(*, active: bool | None = None) -> QuerySet[SalesProcess]:
    queryset = SalesProcess.objects.all()
    if active is not None:
        queryset = queryset.filter(active=active)
    return _with_stages(queryset).order_by("-is_default", "name_zh", "pk")


def sales_process_get(pk: int) -> SalesProcess:
    return get_object_or_404(_with_stages(SalesProcess.objects.all()), pk=pk)


def sales_process_default() -> SalesProcess | None:
    return _with_stages(SalesProcess.objects.filter(is_default=True)).first()


def process_stages(process: SalesProcess, *, active_only: bool = False) -> list[Stage]:
    """A process's stages in order (open stages first, then WON and LOST)."""
    stages = process.ordered_stages()
    return [s for s in stages if s.active] if active_only else stages


def stage_get(process: SalesProcess, stage_pk: int) -> Stage:
    return get_object_or_404(Stage.objects.select_related("process"), pk=stage_pk, process=process)


# ---- opportunities ------------------------------------------------------------------------
# Every read below starts from `opportunities_visible_to`: an opportunity is visible exactly
# when its account is (R-SEC-1), so lists, totals, exports and detail pages agree.

LIST_SORTS = {
    "number": "number",
    "name": "name",
    "amount": "amount",
    "probability": "probability",
    "expected_sign_date": "expected_sign_date",
    "stage": "stage__order",
    "updated_at": "updated_at",
}
DEFAULT_OPPORTUNITY_SORT = "-updated_at"
STATUS_KINDS = {"open": StageKind.OPEN, "won": StageKind.WON, "lost": StageKind.LOST}


def opportunities_visible_to(user: User) -> QuerySet[Opportunity]:
    return Opportunity.objects.filter(account_visibility_q(user, "account__"))


def opportunity_get_visible(user: User, pk: int) -> Opportunity:
    """The opportunity with what its page header needs, or 404 when the user may not see it."""
    return get_object_or_404(
        opportunities_visible_to(user).select_related(
            "account", "account__owner", "owner", "process", "stage"
        ),
        pk=pk,
    )


def _order(sort: str) -> list[Any]:
    column = LIST_SORTS.get(sort.removeprefix("-"))
    if column is None:
        return _order(DEFAULT_OPPORTUNITY_SORT)
    return sort_order(Opportunity, column, sort.startswith("-"))


def opportunities_filtered(
    user: User, filters: dict[str, Any], *, as_id_sets: bool = False
) -> QuerySet[Opportunity]:
    """The visible opportunities matching the list filters (no joins, no order); `as_id_sets`
    for an aggregate over all of them, or a list (kam.accounts.rules.list_gathers_by_id_sets)."""
    queryset = Opportunity.objects.filter(
        account_visibility_q(user, "account__", as_id_sets=as_id_sets)
    )
    simple = {
        "process": "process",
        "stage": "stage",
        "owner": "owner",
        "team": "owner__team",
        "forecast_category": "forecast_category",
        "intent_class": "intent_class",
        "project_class": "project_class",
    }
    for key, lookup in simple.items():
        if filters.get(key):
            queryset = queryset.filter(**{lookup: filters[key]})
    if filters.get("status") in STATUS_KINDS:
        queryset = queryset.filter(stage__kind=STATUS_KINDS[filters["status"]])
    if filters.get("sign_from"):
        queryset = queryset.filter(expected_sign_date__gte=filters["sign_from"])
    if filters.get("sign_to"):
        queryset = queryset.filter(expected_sign_date__lte=filters["sign_to"])
    text = (filters.get("q") or "").strip()
    if text:
        queryset = queryset.filter(
            Q(name__icontains=text) | Q(number__icontains=text) | Q(account__name__icontains=text)
        )
    return queryset


def opportunities_list(
    user: User, filters: dict[str, Any], sort: str = DEFAULT_OPPORTUNITY_SORT
) -> QuerySet[Opportunity]:
    return (
        opportunities_filtered(user, filters, as_id_sets=list_gathers_by_id_sets(user))
        .select_related("account", "owner", "stage", "process")
        .order_by(*_order(sort))
    )


@dataclass(frozen=True)
class Totals:
    amount: Decimal
    weighted: Decimal


def opportunities_totals(queryset: QuerySet[Opportunity]) -> Totals:
    """Sum of amount and of the weighted amounts over the filtered set, in one query, exact in
    whole fen on both databases; the weighted total equals the sum of the rows' own figures."""
    row = queryset.order_by().aggregate(
        amount_fen=fen_sum(fen("amount"), Q()),
        weighted_fen=fen_sum(weighted_fen("amount", "probability"), Q()),
    )
    return Totals(amount=yuan(row["amount_fen"]), weighted=yuan(row["weighted_fen"]))


def opportunities_for_account(user: User, account: Account, limit: int = 20) -> list[Opportunity]:
    """The account page's short list (the account itself was already found visible)."""
    return list(
        opportunities_visible_to(user)
        .filter(account=account)
        .select_related("stage", "owner")
        .order_by("-updated_at", "-pk")[:limit]
    )


def opportunity_lines(opportunity: Opportunity) -> list[OpportunityLine]:
    return list(opportunity.lines.select_related("product").order_by("position", "pk"))


def opportunity_competitors(opportunity: Opportunity) -> list[Competitor]:
    return list(opportunity.competitors.order_by("pk"))


def opportunity_team(opportunity: Opportunity) -> list[OpportunityTeamMember]:
    return list(
        opportunity.team_members.select_related("user", "user__team").order_by("role", "pk")
    )


def opportunity_stage_moves(opportunity: Opportunity) -> list[StageMove]:
    return list(
        opportunity.stage_moves.select_related("from_stage", "to_stage", "actor").order_by(
            "-moved_at", "-pk"
        )
    )


def opportunity_open_stages(opportunity: Opportunity) -> list[Stage]:
    """The progress strip: the process's active open stages in order."""
    return list(
        Stage.objects.filter(
            process_id=opportunity.process_id, kind=StageKind.OPEN, active=True
        ).order_by("order")
    )


def opportunity_move_targets(opportunity: Opportunity) -> list[Stage]:
    return list(
        Stage.objects.filter(process_id=opportunity.process_id, active=True)
        .exclude(pk=opportunity.stage_id)
        .order_by("order")
    )


def opportunity_attestation_records(opportunity: Opportunity) -> dict[int, AttestationRecord]:
    records = AttestationRecord.objects.filter(opportunity=opportunity).select_related(
        "attested_by"
    )
    return {record.attestation_id: record for record in records}


def opportunity_competitor_get(opportunity: Opportunity, pk: int) -> Competitor:
    return get_object_or_404(
        Competitor.objects.select_related("opportunity"), pk=pk, opportunity=opportunity
    )


def opportunity_member_get(opportunity: Opportunity, pk: int) -> OpportunityTeamMember:
    return get_object_or_404(
        OpportunityTeamMember.objects.select_related("opportunity", "user"),
        pk=pk,
        opportunity=opportunity,
    )


def opportunity_owner_choices(user: User) -> QuerySet[User]:
    """Who `user` may hand an opportunity to: themself and their reports (GM/admin: anyone)."""
    return account_owner_choices(user)


# ---- gate violations (R-OPP-3) --------------------------------------------------------------


def stage_moves_bypassed(
    user: User, *, date_from: date | None = None, date_to: date | None = None
) -> QuerySet[StageMove]:
    """Bypassed moves on opportunities the user can see, newest first."""
    queryset = StageMove.objects.filter(
        account_visibility_q(user, "opportunity__account__"), bypassed=True
    )
    if date_from:
        queryset = queryset.filter(moved_at__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(moved_at__date__lte=date_to)
    return queryset.select_related(
        "opportunity", "from_stage", "to_stage", "actor", "owner"
    ).order_by("-moved_at", "-pk")


@dataclass(frozen=True)
class ViolationCount:
    label: str
    count: int


def violations_by_owner(moves: QuerySet[StageMove]) -> list[ViolationCount]:
    rows = (
        moves.order_by()
        .values("owner_id", "owner__display_name", "owner__username")
        .annotate(count=Count("pk"))
        .order_by("-count", "owner__username")
    )
    return [
        ViolationCount(str(r["owner__display_name"] or r["owner__username"] or "—"), r["count"])
        for r in rows
    ]


def violations_by_stage(moves: QuerySet[StageMove]) -> list[ViolationCount]:
    """Grouped by the stage the deal was leaving — the gate that was skipped."""
    rows = (
        moves.order_by()
        .values("from_stage_id", "from_stage__name_zh", "from_stage__name_en")
        .annotate(count=Count("pk"))
        .order_by("-count", "from_stage__name_zh")
    )
    return [
        ViolationCount(
            localised(r["from_stage__name_zh"] or "—", r["from_stage__name_en"] or ""),
            r["count"],
        )
        for r in rows
    ]


# ---- the gate checklist of the detail page --------------------------------------------------


@dataclass(frozen=True)
class GateItem:
    kind: str  # "field" | "check" | "attestation" | "approval"
    code: str
    label: str
    done: bool
    detail: str = ""  # who ticked it / the approval's state
    attestation: StageAttestation | None = None
    can_attest: bool = False


def _approval_states(opportunity: Opportunity) -> dict[str, str]:
    from kam.approvals.selectors import approvals_for_opportunity

    states: dict[str, str] = {}
    for approval in approvals_for_opportunity(opportunity):  # newest first
        states.setdefault(approval.type_code, str(approval.get_status_display()))
    return states


def opportunity_gate_checklist(
    opportunity: Opportunity, stage: Stage, user: User, missing: list[Missing]
) -> list[GateItem]:
    """Every requirement of `stage`'s exit gate, met or not, in the order the gate lists them;
    `missing` is `stage_gate_missing(opportunity, stage)`, the one judgement of what is met."""
    unmet = {(item.kind, item.code) for item in missing}
    checks = {check.code: str(check.label) for check in gate_checks()}
    items = [
        GateItem(
            "field",
            code,
            str(GATE_FIELDS[code][0]) if code in GATE_FIELDS else code,
            ("field", code) not in unmet,
        )
        for code in stage.required_fields
    ]
    items += [
        GateItem("check", code, checks.get(code, code), ("check", code) not in unmet)
        for code in stage.required_checks
    ]
    attestations = list(stage.attestations.all())
    if attestations:
        records = opportunity_attestation_records(opportunity)
        roles = set(opportunity.team_members.filter(user=user).values_list("role", flat=True))
        for attestation in attestations:
            record = records.get(attestation.pk)
            items.append(
                GateItem(
                    "attestation",
                    str(attestation.pk),
                    attestation.label,
                    record is not None,
                    detail=f"{record.attested_by} · {record.attested_at:%Y-%m-%d}"
                    if record
                    else str(TeamRole(attestation.role).label),
                    attestation=attestation,
                    can_attest=record is None and (attestation.role in roles or user.is_superuser),
                )
            )
    if stage.required_approvals:
        states = _approval_states(opportunity)
        labels = {item.code: item.label for item in missing if item.kind == "approval"}
        for code in stage.required_approvals:
            items.append(
                GateItem(
                    "approval",
                    code,
                    labels.get(code) or approval_type_label(code),
                    ("approval", code) not in unmet,
                    detail=states.get(code, ""),
                )
            )
    return items
