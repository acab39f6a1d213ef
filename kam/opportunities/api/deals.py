"""/api/opportunities (R-API-1): deals, their lines, team, competitors, attestations and
stage moves, through the same services, gates and visibility as the pages."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Schema, Status
from ninja.errors import HttpError

from kam.accounts.models import Account
from kam.accounts.rules import account_visibility_q
from kam.core.api import api_user
from kam.opportunities.api.common import (
    MAX_LIMIT,
    NOT_EDITABLE,
    deal_get,
    deal_get_editable,
    deals_router,
    deals_visible,
    money,
    refusal,
)
from kam.opportunities.enums import MoveChannel, StageKind
from kam.opportunities.gates import stage_gate_missing
from kam.opportunities.models import (
    Competitor,
    Opportunity,
    OpportunityTeamMember,
    SalesProcess,
    Stage,
    StageAttestation,
    StageMove,
)
from kam.opportunities.rules import opportunity_can_contribute
from kam.opportunities.schemas import (
    AttestIn,
    AttestOut,
    CompetitorIn,
    CompetitorOut,
    CompetitorPatch,
    DetailOut,
    ErrorsOut,
    GateRefusedOut,
    LineIn,
    LinesIn,
    MoveIn,
    OpportunityCreateIn,
    OpportunityDetailOut,
    OpportunityListOut,
    OpportunityPatchIn,
    StageMoveOut,
    TeamMemberIn,
    TeamMemberOut,
    ViolationListOut,
)
from kam.opportunities.services.moves import opportunity_move
from kam.opportunities.services.opportunities import (
    competitor_add,
    competitor_delete,
    competitor_update,
    opportunity_attest,
    opportunity_create,
    opportunity_lines_replace,
    opportunity_team_add,
    opportunity_team_remove,
    opportunity_update,
)
from kam.users.models import User


def _deal_out(o: Opportunity) -> dict[str, Any]:
    return {
        "id": o.pk, "number": o.number or "", "name": o.name, "account_id": o.account_id,
        "account_name": o.account.name, "process_id": o.process_id, "stage_id": o.stage_id,
        "stage_name": o.stage.display_name, "stage_kind": o.stage.kind,
        "stage_entered_at": o.stage_entered_at, "owner_id": o.owner_id,
        "owner_name": str(o.owner), "amount": money(o.amount),
        "weighted_amount": money(o.weighted_amount), "expected_sign_date": o.expected_sign_date,
        "probability": o.probability, "forecast_category": o.forecast_category,
        "intent_class": o.intent_class, "project_class": o.project_class,
        "partner_name": o.partner_name, "customer_lead": o.customer_lead,
        "description": o.description, "close_reason": o.close_reason, "close_note": o.close_note,
        "closed_at": o.closed_at, "updated_at": o.updated_at, "version": o.version,
    }  # fmt: skip


def _move_out(m: StageMove) -> dict[str, Any]:
    return {
        "id": m.pk, "from_stage_id": m.from_stage_id, "to_stage_id": m.to_stage_id,
        "actor_id": m.actor_id, "channel": m.channel, "moved_at": m.moved_at,
        "bypassed": m.bypassed, "bypass_reason": m.bypass_reason, "missing": m.missing,
    }  # fmt: skip


def _competitor_out(c: Competitor) -> dict[str, Any]:
    return {"id": c.pk, "name": c.name, "strengths": c.strengths, "weaknesses": c.weaknesses,
            "relationship": c.relationship}  # fmt: skip


def _member_out(m: OpportunityTeamMember) -> dict[str, Any]:
    return {"id": m.pk, "user_id": m.user_id, "user_name": str(m.user), "role": m.role}


def _detail(user: User, opportunity_id: int) -> dict[str, Any]:
    o = get_object_or_404(
        deals_visible(user).prefetch_related(
            "lines__product", "competitors", "team_members__user", "stage_moves"
        ),
        pk=opportunity_id,
    )
    gate = stage_gate_missing(o, o.stage) if o.stage.kind == StageKind.OPEN else []
    return {
        **_deal_out(o),
        "lines": [
            {
                "id": line.pk,
                "product_id": line.product_id,
                "product_name": line.product.name,
                "description": line.description,
                "quantity": f"{line.quantity}",
                "unit_price": money(line.unit_price),
                "discount_rate": f"{line.discount_rate}",
                "amount": money(line.amount),
            }
            for line in o.lines.all()
        ],
        "competitors": [_competitor_out(c) for c in o.competitors.all()],
        "team": [_member_out(m) for m in o.team_members.all()],
        "stage_moves": [_move_out(m) for m in o.stage_moves.all()],
        "gate": [m.as_dict() for m in gate],
    }


def _lines(lines: list[LineIn]) -> list[dict[str, Any]]:
    return [
        {"product": line.product_id, "quantity": line.quantity, "unit_price": line.unit_price,
         "discount_rate": line.discount_rate, "description": line.description}
        for line in lines
    ]  # fmt: skip


def _owner(owner_id: int | None) -> User | None:
    return User.objects.filter(pk=owner_id).first() if owner_id is not None else None


class DealFilters(Schema):
    stage: int | None = None
    process: int | None = None
    owner_id: int | None = None
    forecast_category: str | None = None
    open: bool | None = None
    q: str | None = None
    limit: int = 50
    offset: int = 0


@deals_router.get("/", response=OpportunityListOut, summary="Opportunities the caller sees")
def opportunity_list(request: HttpRequest, filters: Query[DealFilters]) -> dict[str, Any]:
    limit = max(1, min(filters.limit, MAX_LIMIT))
    offset = max(0, filters.offset)
    queryset = deals_visible(api_user(request))
    exact = {
        "stage_id": filters.stage, "process_id": filters.process, "owner_id": filters.owner_id,
        "forecast_category": filters.forecast_category,
    }  # fmt: skip
    queryset = queryset.filter(**{k: v for k, v in exact.items() if v is not None})
    if filters.open is not None:
        queryset = queryset.filter(closed_at__isnull=filters.open)
    if filters.q and filters.q.strip():
        q = filters.q.strip()
        queryset = queryset.filter(
            Q(name__icontains=q) | Q(number__icontains=q) | Q(account__name__icontains=q)
        )
    rows = list(queryset.order_by("-updated_at", "-pk")[offset : offset + limit + 1])
    return {"items": [_deal_out(o) for o in rows[:limit]],
            "next_offset": offset + limit if len(rows) > limit else None}  # fmt: skip


@deals_router.get(
    "/violations", response=ViolationListOut, summary="Moves that bypassed a gate (R-OPP-3)"
)
def violation_list(request: HttpRequest, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    visible = account_visibility_q(api_user(request), "opportunity__account__")
    queryset = (
        StageMove.objects.filter(visible)
        .filter(bypassed=True)
        .select_related("opportunity")
        .order_by("-moved_at", "-pk")
    )
    rows = list(queryset[offset : offset + limit + 1])
    items = [
        {**_move_out(m), "opportunity_id": m.opportunity_id,
         "opportunity_number": m.opportunity.number or "",
         "opportunity_name": m.opportunity.name, "owner_id": m.owner_id}
        for m in rows[:limit]
    ]  # fmt: skip
    return {"items": items, "next_offset": offset + limit if len(rows) > limit else None}


@deals_router.get("/{int:opportunity_id}", response=OpportunityDetailOut)
def opportunity_get(request: HttpRequest, opportunity_id: int) -> dict[str, Any]:
    return _detail(api_user(request), opportunity_id)


@deals_router.post("/", response={201: OpportunityDetailOut, 403: DetailOut, 422: ErrorsOut})
def opportunity_create_endpoint(request: HttpRequest, payload: OpportunityCreateIn) -> Any:
    user = api_user(request)
    account = Account.objects.filter(account_visibility_q(user), pk=payload.account_id).first()
    if account is None:
        return Status(422, {"errors": {"account_id": [_("客户不存在。")]}})
    process = None
    if payload.process_id is not None:
        process = SalesProcess.objects.filter(pk=payload.process_id, active=True).first()
        if process is None:
            return Status(422, {"errors": {"process_id": [_("请选择有效的销售流程。")]}})
    data = payload.model_dump(
        exclude={"account_id", "process_id", "owner_id", "lines"}, exclude_none=True
    )
    if payload.owner_id is not None:
        data["owner"] = _owner(payload.owner_id)
    try:
        opportunity = opportunity_create(
            account=account, actor=user, data=data, lines=_lines(payload.lines), process=process
        )
    except (PermissionDenied, ValidationError) as error:
        return refusal(error)
    return Status(201, _detail(user, opportunity.pk))


@deals_router.patch(
    "/{int:opportunity_id}",
    response={200: OpportunityDetailOut, 403: DetailOut, 409: DetailOut, 422: ErrorsOut},
)
def opportunity_update_endpoint(
    request: HttpRequest, opportunity_id: int, payload: OpportunityPatchIn
) -> Any:
    user = api_user(request)
    opportunity = deal_get_editable(user, opportunity_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"version"})
    if "owner_id" in changes:
        changes["owner"] = _owner(changes.pop("owner_id"))
    # null clears a text field; the service then decides whether blank is allowed.
    for key in ("name", "intent_class", "project_class", "partner_name", "customer_lead",
                "description"):  # fmt: skip
        if key in changes and changes[key] is None:
            changes[key] = ""
    try:
        opportunity_update(
            opportunity=opportunity, actor=user, version=payload.version, changes=changes
        )
    except (PermissionDenied, ValidationError) as error:
        return refusal(error)
    return Status(200, _detail(user, opportunity.pk))


@deals_router.put(
    "/{int:opportunity_id}/lines",
    response={200: OpportunityDetailOut, 403: DetailOut, 409: DetailOut, 422: ErrorsOut},
)
def opportunity_lines_endpoint(request: HttpRequest, opportunity_id: int, payload: LinesIn) -> Any:
    user = api_user(request)
    opportunity = deal_get_editable(user, opportunity_id)
    try:
        opportunity_lines_replace(
            opportunity=opportunity, actor=user, version=payload.version,
            lines=_lines(payload.lines),
        )  # fmt: skip
    except (PermissionDenied, ValidationError) as error:
        return refusal(error)
    return Status(200, _detail(user, opportunity.pk))


@deals_router.post(
    "/{int:opportunity_id}/move",
    response={200: StageMoveOut, 403: DetailOut, 409: DetailOut, 422: GateRefusedOut | ErrorsOut},
    summary="Move to another stage; 422 lists everything the gates still miss",
)
def opportunity_move_endpoint(request: HttpRequest, opportunity_id: int, payload: MoveIn) -> Any:
    user = api_user(request)
    opportunity = deal_get_editable(user, opportunity_id)
    stage = Stage.objects.filter(pk=payload.to_stage_id, process_id=opportunity.process_id).first()
    if stage is None:
        return Status(422, {"errors": {"to_stage_id": [_("目标阶段不属于此商机的销售流程。")]}})
    try:
        move = opportunity_move(
            opportunity=opportunity, to_stage=stage, actor=user, version=payload.version,
            channel=MoveChannel.API, bypass_reason=payload.bypass_reason,
            close_reason=payload.close_reason, close_note=payload.close_note,
        )  # fmt: skip
    except (PermissionDenied, ValidationError) as error:
        return refusal(error)
    return Status(200, _move_out(move))


@deals_router.post(
    "/{int:opportunity_id}/team",
    response={201: TeamMemberOut, 403: DetailOut, 422: ErrorsOut},
)
def team_add_endpoint(request: HttpRequest, opportunity_id: int, payload: TeamMemberIn) -> Any:
    user = api_user(request)
    opportunity = deal_get_editable(user, opportunity_id)
    member_user = User.objects.filter(pk=payload.user_id).first()
    if member_user is None:
        return Status(422, {"errors": {"user_id": [_("用户不存在。")]}})
    try:
        member = opportunity_team_add(
            opportunity=opportunity, actor=user, user=member_user, role=payload.role
        )
    except (PermissionDenied, ValidationError) as error:
        return refusal(error)
    return Status(201, _member_out(member))


@deals_router.delete(
    "/{int:opportunity_id}/team/{int:member_id}",
    response={204: None, 403: DetailOut, 422: ErrorsOut},
)
def team_remove_endpoint(request: HttpRequest, opportunity_id: int, member_id: int) -> Any:
    user = api_user(request)
    opportunity = deal_get_editable(user, opportunity_id)
    member = get_object_or_404(
        OpportunityTeamMember.objects.select_related("opportunity"),
        pk=member_id, opportunity=opportunity,
    )  # fmt: skip
    try:
        opportunity_team_remove(member=member, actor=user)
    except (PermissionDenied, ValidationError) as error:
        return refusal(error)
    return Status(204, None)


def _get_contributable(user: User, opportunity_id: int) -> Opportunity:
    opportunity = deal_get(user, opportunity_id)
    if not opportunity_can_contribute(user, opportunity):
        raise HttpError(403, str(NOT_EDITABLE))
    return opportunity


@deals_router.post(
    "/{int:opportunity_id}/competitors",
    response={201: CompetitorOut, 403: DetailOut, 422: ErrorsOut},
)
def competitor_add_endpoint(
    request: HttpRequest, opportunity_id: int, payload: CompetitorIn
) -> Any:
    user = api_user(request)
    opportunity = _get_contributable(user, opportunity_id)
    try:
        competitor = competitor_add(opportunity=opportunity, actor=user, data=payload.model_dump())
    except (PermissionDenied, ValidationError) as error:
        return refusal(error)
    return Status(201, _competitor_out(competitor))


def _competitor(user: User, opportunity_id: int, competitor_id: int) -> Competitor:
    opportunity = _get_contributable(user, opportunity_id)
    return get_object_or_404(
        Competitor.objects.select_related("opportunity"), pk=competitor_id, opportunity=opportunity
    )


@deals_router.patch(
    "/{int:opportunity_id}/competitors/{int:competitor_id}",
    response={200: CompetitorOut, 403: DetailOut, 422: ErrorsOut},
)
def competitor_update_endpoint(
    request: HttpRequest, opportunity_id: int, competitor_id: int, payload: CompetitorPatch
) -> Any:
    user = api_user(request)
    competitor = _competitor(user, opportunity_id, competitor_id)
    data = {**_competitor_out(competitor), **payload.model_dump(exclude_unset=True)}
    data.pop("id")
    try:
        competitor = competitor_update(competitor=competitor, actor=user, data=data)
    except (PermissionDenied, ValidationError) as error:
        return refusal(error)
    return Status(200, _competitor_out(competitor))


@deals_router.delete(
    "/{int:opportunity_id}/competitors/{int:competitor_id}",
    response={204: None, 403: DetailOut},
)
def competitor_delete_endpoint(
    request: HttpRequest, opportunity_id: int, competitor_id: int
) -> Any:
    user = api_user(request)
    competitor = _competitor(user, opportunity_id, competitor_id)
    try:
        competitor_delete(competitor=competitor, actor=user)
    except PermissionDenied as error:
        return refusal(error)
    return Status(204, None)


@deals_router.post(
    "/{int:opportunity_id}/attestations/{int:attestation_id}",
    response={201: AttestOut, 403: DetailOut, 422: ErrorsOut},
    summary="Tick a stage's manual required action",
)
def attest_endpoint(
    request: HttpRequest, opportunity_id: int, attestation_id: int, payload: AttestIn
) -> Any:
    user = api_user(request)
    opportunity = deal_get(user, opportunity_id)
    attestation = get_object_or_404(
        StageAttestation.objects.select_related("stage"), pk=attestation_id
    )
    try:
        record = opportunity_attest(
            opportunity=opportunity, attestation=attestation, actor=user, note=payload.note
        )
    except (PermissionDenied, ValidationError) as error:
        return refusal(error)
    return Status(201, {"id": record.pk, "attestation_id": record.attestation_id,
                        "attested_by_id": record.attested_by_id,
                        "attested_at": record.attested_at, "note": record.note})  # fmt: skip
