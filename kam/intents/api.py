"""/api/intents: the A-class board, a deal's or lead's class history, the thresholds
(SPEC R-INT-1, R-API-1); the same selectors, services and visibility as the pages."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status
from ninja.errors import HttpError

from kam.core.api import api_user, validation_errors
from kam.intents.models import IntentThresholds
from kam.intents.schemas import BoardOut, ErrorsOut, HistoryOut, ThresholdsIn, ThresholdsOut
from kam.intents.selectors import (
    board_teams,
    intent_board,
    intent_contradicts,
    intent_history,
    intent_suggest,
    intent_thresholds,
)
from kam.intents.services import intent_thresholds_update
from kam.leads.selectors import lead_get_visible
from kam.opportunities.selectors import opportunity_get_visible

router = Router(tags=["intents"])


@router.get("/board", response=BoardOut)
def board_endpoint(request: HttpRequest, team_id: int | None = None) -> dict[str, Any]:
    """Per rep in the caller's scope: open A/B/C counts and the A-class deals and leads."""
    user = api_user(request)
    team = board_teams(user).filter(pk=team_id).first() if team_id is not None else None
    if team_id is not None and team is None:
        return {"reps": []}
    rows = intent_board(user, timezone.localdate(), team)
    return {
        "reps": [
            {
                "owner_id": row.owner.pk,
                "owner_name": str(row.owner),
                "counts": row.counts,
                "a_list": [{**vars(item), "id": item.pk} for item in row.items],
            }
            for row in rows
        ]
    }


def _history(subject_class: str, changes: Any, **extra: Any) -> dict[str, Any]:
    return {"intent_class": subject_class, "changes": list(changes), **extra}


@router.get("/opportunities/{opportunity_id}/history", response=HistoryOut)
def opportunity_history_endpoint(request: HttpRequest, opportunity_id: int) -> dict[str, Any]:
    opportunity = opportunity_get_visible(api_user(request), opportunity_id)
    today = timezone.localdate()
    return _history(
        opportunity.intent_class,
        intent_history(opportunity=opportunity),
        suggested=intent_suggest(opportunity.expected_sign_date, today),
        contradicts=intent_contradicts(
            opportunity.intent_class, opportunity.expected_sign_date, today
        ),
    )


@router.get("/leads/{lead_id}/history", response=HistoryOut)
def lead_history_endpoint(request: HttpRequest, lead_id: int) -> dict[str, Any]:
    lead = lead_get_visible(api_user(request), lead_id)
    return _history(lead.intent_class, intent_history(lead=lead))


@router.get("/thresholds", response=ThresholdsOut)
def thresholds_endpoint(request: HttpRequest) -> IntentThresholds:
    return intent_thresholds()


@router.put("/thresholds", response={200: ThresholdsOut, 422: ErrorsOut})
def thresholds_update_endpoint(request: HttpRequest, payload: ThresholdsIn) -> Any:
    try:
        return intent_thresholds_update(actor=api_user(request), values=payload.model_dump())
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
