"""/api/deals/{opportunity_id}/…: a deal's assessment, decision chain, action plan and risk,
through the same services and visibility as the panels (R-API-1). An invisible deal is a 404,
a stale version a 422 naming `version`, missing rights a 403."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError

from kam.assessments.models import ActionItem, Assessment, DealContact
from kam.assessments.risk import deal_risks
from kam.assessments.schemas import (
    ActionItemCreateIn,
    ActionItemListOut,
    ActionItemOut,
    ActionItemPatchIn,
    AssessmentIn,
    AssessmentOut,
    DealContactCreateIn,
    DealContactOut,
    DealContactPatchIn,
    ErrorsOut,
    RiskOut,
)
from kam.assessments.selectors import (
    action_item_get_visible,
    action_items_for,
    assessment_for,
    deal_contact_get_visible,
    deal_contacts_for,
    opportunity_get_visible,
)
from kam.assessments.services import (
    action_item_create,
    action_item_delete,
    action_item_update,
    assessment_save,
    deal_contact_add,
    deal_contact_remove,
    deal_contact_update,
    deal_contacts_add_key_people,
)
from kam.contacts.models import Contact
from kam.contacts.selectors import user_today
from kam.core.api import api_user, validation_errors
from kam.users.models import User

router = Router(tags=["assessments"])
API_NAMES = {"owner": "owner_id", "contact": "contact_id"}
MAX_LIMIT = 100


def _forbidden(error: PermissionDenied) -> HttpError:
    return HttpError(403, str(error) or "forbidden")


def _assessment_out(assessment: Assessment) -> dict[str, Any]:
    return {
        "opportunity_id": assessment.opportunity_id,
        "real_score": assessment.real_score, "real_note": assessment.real_note,
        "compete_score": assessment.compete_score, "compete_note": assessment.compete_note,
        "win_score": assessment.win_score, "win_note": assessment.win_note,
        "worth_score": assessment.worth_score, "worth_note": assessment.worth_note,
        "competitive_strategy": assessment.competitive_strategy,
        "total_score": assessment.total_score, "is_complete": assessment.is_complete,
        "updated_by_id": assessment.updated_by_id,
        "updated_at": assessment.updated_at if assessment.pk else None,
        "version": assessment.version,
    }  # fmt: skip


def _deal_contact_out(row: DealContact) -> dict[str, Any]:
    contact = row.contact
    return {
        "id": row.pk, "opportunity_id": row.opportunity_id, "contact_id": contact.pk,
        "contact_name": contact.name, "contact_title": contact.title,
        "contact_status": contact.status, "closeness": contact.closeness,
        "role_in_deal": row.role_in_deal, "influence": row.influence, "attitude": row.attitude,
        "solution_acceptance": row.solution_acceptance,
        "price_acceptance": row.price_acceptance,
        "relationship_strategy": row.relationship_strategy, "version": row.version,
    }  # fmt: skip


def _action_out(item: ActionItem, user: User) -> dict[str, Any]:
    return {
        "id": item.pk, "opportunity_id": item.opportunity_id, "title": item.title,
        "owner_id": item.owner_id, "due_date": item.due_date, "done": item.done,
        "done_at": item.done_at, "result": item.result,
        "overdue": not item.done and item.due_date < user_today(user), "version": item.version,
    }  # fmt: skip


# ---- assessment -----------------------------------------------------------------------------


@router.get("/{opportunity_id}/assessment", response=AssessmentOut, summary="The assessment")
def get_assessment(request: HttpRequest, opportunity_id: int) -> dict[str, Any]:
    opportunity = opportunity_get_visible(api_user(request), opportunity_id)
    return _assessment_out(assessment_for(opportunity))


@router.put(
    "/{opportunity_id}/assessment",
    response={200: AssessmentOut, 422: ErrorsOut},
    summary="Create or change the assessment (send the version you read; 0 when none yet)",
)
def put_assessment(request: HttpRequest, opportunity_id: int, payload: AssessmentIn) -> Any:
    user = api_user(request)
    opportunity = opportunity_get_visible(user, opportunity_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    try:
        saved = assessment_save(opportunity=opportunity, actor=user, version=version, data=data)
    except PermissionDenied as error:
        raise _forbidden(error) from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(200, _assessment_out(saved))


# ---- deal contacts --------------------------------------------------------------------------


@router.get("/{opportunity_id}/deal-contacts", response=list[DealContactOut])
def list_deal_contacts(request: HttpRequest, opportunity_id: int) -> list[dict[str, Any]]:
    """The whole chain: it is bounded by the account's key people, so it is not paged."""
    opportunity = opportunity_get_visible(api_user(request), opportunity_id)
    return [_deal_contact_out(row) for row in deal_contacts_for(opportunity)]


@router.post(
    "/{opportunity_id}/deal-contacts",
    response={201: DealContactOut, 422: ErrorsOut},
    summary="Add a key person of the deal's account, starting from their account-level scores",
)
def add_deal_contact(
    request: HttpRequest, opportunity_id: int, payload: DealContactCreateIn
) -> Any:
    user = api_user(request)
    opportunity = opportunity_get_visible(user, opportunity_id)
    # Only people of this deal's account can be added; anyone else reads as missing.
    contact = Contact.objects.filter(pk=payload.contact_id, account_id=opportunity.account_id)
    found = contact.first()
    if found is None:
        return Status(422, {"errors": {"contact_id": [_("只能添加本客户的关键人。")]}})
    try:
        row = deal_contact_add(opportunity=opportunity, contact=found, actor=user)
    except PermissionDenied as error:
        raise _forbidden(error) from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    row.contact = found
    return Status(201, _deal_contact_out(row))


@router.post(
    "/{opportunity_id}/deal-contacts/key-people",
    response={201: list[DealContactOut], 422: ErrorsOut},
    summary="Add every key person of the account not yet in the chain",
)
def add_key_people(request: HttpRequest, opportunity_id: int) -> Any:
    user = api_user(request)
    opportunity = opportunity_get_visible(user, opportunity_id)
    try:
        deal_contacts_add_key_people(opportunity=opportunity, actor=user)
    except PermissionDenied as error:
        raise _forbidden(error) from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(201, [_deal_contact_out(row) for row in deal_contacts_for(opportunity)])


@router.patch(
    "/{opportunity_id}/deal-contacts/{deal_contact_id}",
    response={200: DealContactOut, 422: ErrorsOut},
)
def update_deal_contact(
    request: HttpRequest, opportunity_id: int, deal_contact_id: int, payload: DealContactPatchIn
) -> Any:
    user = api_user(request)
    opportunity = opportunity_get_visible(user, opportunity_id)
    row = deal_contact_get_visible(user, opportunity, deal_contact_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    try:
        updated = deal_contact_update(deal_contact=row, actor=user, version=version, data=data)
    except PermissionDenied as error:
        raise _forbidden(error) from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(200, _deal_contact_out(updated))


@router.delete(
    "/{opportunity_id}/deal-contacts/{deal_contact_id}", response={204: None, 422: ErrorsOut}
)
def delete_deal_contact(request: HttpRequest, opportunity_id: int, deal_contact_id: int) -> Any:
    user = api_user(request)
    opportunity = opportunity_get_visible(user, opportunity_id)
    row = deal_contact_get_visible(user, opportunity, deal_contact_id)
    try:
        deal_contact_remove(deal_contact=row, actor=user)
    except PermissionDenied as error:
        raise _forbidden(error) from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(204, None)


# ---- action items ---------------------------------------------------------------------------


@router.get("/{opportunity_id}/actions", response=ActionItemListOut)
def list_actions(
    request: HttpRequest,
    opportunity_id: int,
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    user = api_user(request)
    opportunity = opportunity_get_visible(user, opportunity_id)
    rows = list(action_items_for(opportunity)[offset : offset + limit + 1])
    return {
        "items": [_action_out(item, user) for item in rows[:limit]],
        "next_offset": offset + limit if len(rows) > limit else None,
    }


def _owner(owner_id: int) -> User | None:
    return User.objects.filter(pk=owner_id).first()


@router.post("/{opportunity_id}/actions", response={201: ActionItemOut, 422: ErrorsOut})
def create_action(request: HttpRequest, opportunity_id: int, payload: ActionItemCreateIn) -> Any:
    user = api_user(request)
    opportunity = opportunity_get_visible(user, opportunity_id)
    data: dict[str, Any] = {
        "title": payload.title,
        "owner": _owner(payload.owner_id),
        "due_date": payload.due_date,
    }
    try:
        item = action_item_create(opportunity=opportunity, actor=user, data=data)
    except PermissionDenied as error:
        raise _forbidden(error) from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(201, _action_out(item, user))


@router.patch("/{opportunity_id}/actions/{item_id}", response={200: ActionItemOut, 422: ErrorsOut})
def update_action(
    request: HttpRequest, opportunity_id: int, item_id: int, payload: ActionItemPatchIn
) -> Any:
    user = api_user(request)
    opportunity = opportunity_get_visible(user, opportunity_id)
    item = action_item_get_visible(user, opportunity, item_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    if "owner_id" in data:
        data["owner"] = _owner(data.pop("owner_id") or 0)
    try:
        updated = action_item_update(item=item, actor=user, version=version, data=data)
    except PermissionDenied as error:
        raise _forbidden(error) from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(200, _action_out(updated, user))


@router.delete("/{opportunity_id}/actions/{item_id}", response={204: None, 422: ErrorsOut})
def delete_action(request: HttpRequest, opportunity_id: int, item_id: int) -> Any:
    user = api_user(request)
    opportunity = opportunity_get_visible(user, opportunity_id)
    item = action_item_get_visible(user, opportunity, item_id)
    try:
        action_item_delete(item=item, actor=user)
    except PermissionDenied as error:
        raise _forbidden(error) from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(204, None)


# ---- risk -----------------------------------------------------------------------------------


@router.get("/{opportunity_id}/risk", response=RiskOut, summary="Coverage, level and red flags")
def get_risk(request: HttpRequest, opportunity_id: int) -> dict[str, Any]:
    opportunity = opportunity_get_visible(api_user(request), opportunity_id)
    risk = deal_risks([opportunity.pk])[opportunity.pk]
    return {
        "opportunity_id": opportunity.pk,
        "coverage": risk.coverage,
        "level": risk.level,
        "level_label": risk.level_label,
        "flags": [flag.as_dict() for flag in risk.flags],
    }
