"""/api/scorecards: the team card and a rep's card, same rules as the pages (SPEC R-REV-5)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.errors import HttpError

from kam.core.api import api_user, validation_errors
from kam.scorecards.models import CapabilityAssessment
from kam.scorecards.rules import scorecard_sees_team
from kam.scorecards.schemas import (
    AssessmentIn,
    AssessmentOut,
    ErrorsOut,
    PeriodIn,
    RepOut,
    TeamIn,
    TeamOut,
)
from kam.scorecards.selectors import (
    Period,
    RepCard,
    capability_history,
    capability_indicators,
    period_resolve,
    scorecard_rep,
    scorecard_rep_get,
    scorecard_team,
)
from kam.scorecards.services import capability_assess
from kam.users.models import User

router = Router(tags=["scorecards"])


def _period(viewer: User, params: PeriodIn) -> Period:
    return period_resolve(viewer=viewer, kind=params.period, start=params.start, end=params.end)


def _period_out(period: Period) -> dict[str, Any]:
    return {"kind": period.kind, "start": period.start, "end": period.end}


def _card(card: RepCard) -> dict[str, Any]:
    return card.as_dict()


def _assessment(a: CapabilityAssessment) -> dict[str, Any]:
    return {
        "id": a.pk, "assessed_on": a.assessed_on, "assessor_id": a.assessor_id,
        "assessor_name": str(a.assessor), "relationship": a.relationship,
        "relationship_note": a.relationship_note, "solution": a.solution,
        "solution_note": a.solution_note, "delivery_service": a.delivery_service,
        "delivery_service_note": a.delivery_service_note,
        "resource_coordination": a.resource_coordination,
        "resource_coordination_note": a.resource_coordination_note,
    }  # fmt: skip


@router.get("/team", response={200: TeamOut, 422: ErrorsOut})
def scorecard_team_endpoint(request: HttpRequest, params: Query[TeamIn]) -> Any:
    viewer = api_user(request)
    if not scorecard_sees_team(viewer):
        raise HttpError(403, "Forbidden")
    try:
        period = _period(viewer, params)
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    card = scorecard_team(
        viewer=viewer, period=period, sort=params.sort, descending=params.descending
    )
    return {
        "period": _period_out(period),
        "rows": [_card(row) for row in card.rows],
        "total": _card(card.total),
    }


@router.get("/rep/{rep_id}", response={200: RepOut, 422: ErrorsOut})
def scorecard_rep_endpoint(request: HttpRequest, rep_id: int, params: Query[PeriodIn]) -> Any:
    viewer = api_user(request)
    rep = scorecard_rep_get(viewer, rep_id)
    try:
        period = _period(viewer, params)
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    history = [_assessment(a) for a in capability_history(rep)]
    return {
        "period": _period_out(period),
        "card": _card(scorecard_rep(rep=rep, period=period)),
        "latest": history[0] if history else None,
        "history": history,
        "indicators": [vars(ind) for ind in capability_indicators(rep)],
    }


@router.post("/rep/{rep_id}/assessments", response={201: AssessmentOut, 422: ErrorsOut})
def capability_assess_endpoint(request: HttpRequest, rep_id: int, payload: AssessmentIn) -> Any:
    viewer = api_user(request)
    rep = scorecard_rep_get(viewer, rep_id)
    data = payload.model_dump(exclude={"assessed_on"})
    try:
        assessment = capability_assess(
            rep=rep, actor=viewer, assessed_on=payload.assessed_on, data=data
        )
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "Forbidden") from error
    return Status(201, _assessment(assessment))
