"""/api/reviews: review sheets and coaching, through the same services and rules as the pages."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from kam.accounts.models import Account
from kam.core.api import api_user, validation_errors
from kam.reviews.models import CoachingNote, ReviewItem, ReviewSheet
from kam.reviews.schemas import (
    CoachingIn,
    CoachingListOut,
    CoachingOut,
    CoachingPatchIn,
    CommentIn,
    CommentOut,
    ErrorsOut,
    FileIn,
    FollowUpIn,
    ItemOut,
    NoteIn,
    SheetListOut,
    SheetOut,
)
from kam.reviews.selectors import (
    coaching_note_get_visible,
    coaching_note_list,
    review_item_get_visible,
    review_rep_get_visible,
    review_sheet_comments,
    review_sheet_get_visible,
    review_sheet_items,
    review_sheet_list,
)
from kam.reviews.services.coaching import (
    coaching_follow_up_complete,
    coaching_note_create,
    coaching_note_update,
)
from kam.reviews.services.sheets import review_comment_add, review_item_note, review_sheet_file

router = Router(tags=["reviews"])

MAX_LIMIT = 100
# Service field name → API field name, so errors name what the client sent.
API_NAMES = {"account": "account_id", "rep": "rep_id", "item": "item_id"}


class SheetFilters(Schema):
    day: date | None = None
    rep_id: int | None = None
    limit: int = 50
    offset: int = 0


class CoachingFilters(Schema):
    rep_id: int | None = None
    open: bool = False
    limit: int = 50
    offset: int = 0


def _page(rows: Any, limit: int, offset: int) -> dict[str, Any]:
    limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, offset)
    found = list(rows[offset : offset + limit + 1])
    return {"items": found[:limit], "next_offset": offset + limit if len(found) > limit else None}


def _sheet_out(sheet: ReviewSheet) -> dict[str, Any]:
    items = review_sheet_items(sheet)
    comments = [c for item in items for c in item.comments.all()]
    return {
        "id": sheet.pk,
        "rep_id": sheet.rep_id,
        "day": sheet.day,
        "team_id": sheet.team_id,
        "generated_at": sheet.generated_at,
        "filed_at": sheet.filed_at,
        "rep_summary": sheet.rep_summary,
        "version": sheet.version,
        "items": items,
        "comments": [*review_sheet_comments(sheet), *comments],
    }


@router.get("/sheets", response=SheetListOut)
def sheet_list_endpoint(request: HttpRequest, filters: Query[SheetFilters]) -> dict[str, Any]:
    rows = review_sheet_list(api_user(request), day=filters.day, rep_id=filters.rep_id)
    return _page(rows, filters.limit, filters.offset)


@router.get("/sheets/{sheet_id}", response=SheetOut)
def sheet_get_endpoint(request: HttpRequest, sheet_id: int) -> dict[str, Any]:
    return _sheet_out(review_sheet_get_visible(api_user(request), sheet_id))


@router.post("/items/{item_id}/note", response={200: ItemOut, 422: ErrorsOut})
def item_note_endpoint(request: HttpRequest, item_id: int, payload: NoteIn) -> Any:
    user = api_user(request)
    item = review_item_get_visible(user, item_id)
    try:
        item = review_item_note(item=item, actor=user, **payload.model_dump())
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(200, item)


@router.post("/sheets/{sheet_id}/file", response={200: SheetOut, 422: ErrorsOut})
def sheet_file_endpoint(request: HttpRequest, sheet_id: int, payload: FileIn) -> Any:
    user = api_user(request)
    sheet = review_sheet_get_visible(user, sheet_id)
    try:
        sheet = review_sheet_file(
            sheet=sheet, actor=user, summary=payload.rep_summary, version=payload.version
        )
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(200, _sheet_out(sheet))


@router.post("/sheets/{sheet_id}/comments", response={201: CommentOut, 422: ErrorsOut})
def comment_add_endpoint(request: HttpRequest, sheet_id: int, payload: CommentIn) -> Any:
    user = api_user(request)
    sheet = review_sheet_get_visible(user, sheet_id)
    item = (
        get_object_or_404(ReviewItem, pk=payload.item_id, sheet=sheet)
        if payload.item_id is not None
        else None
    )
    try:
        comment = review_comment_add(sheet=sheet, item=item, actor=user, body=payload.body)
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(201, comment)


def _coaching_data(values: dict[str, Any]) -> dict[str, Any]:
    """API ids → objects; an unknown account becomes an invalid value the service rejects."""
    data = dict(values)
    if "account_id" in data:
        account_id = data.pop("account_id")
        data["account"] = (
            (Account.objects.filter(pk=account_id).first() or "") if account_id else None
        )
    return data


@router.get("/coaching", response=CoachingListOut)
def coaching_list_endpoint(request: HttpRequest, filters: Query[CoachingFilters]) -> dict[str, Any]:
    rows = coaching_note_list(api_user(request), rep_id=filters.rep_id, open_only=filters.open)
    return _page(rows, filters.limit, filters.offset)


@router.get("/coaching/{note_id}", response=CoachingOut)
def coaching_get_endpoint(request: HttpRequest, note_id: int) -> CoachingNote:
    return coaching_note_get_visible(api_user(request), note_id)


@router.post("/coaching", response={201: CoachingOut, 422: ErrorsOut})
def coaching_create_endpoint(request: HttpRequest, payload: CoachingIn) -> Any:
    user = api_user(request)
    values = payload.model_dump()
    rep = review_rep_get_visible(user, values.pop("rep_id"))
    try:
        note = coaching_note_create(rep=rep, actor=user, data=_coaching_data(values))
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(201, note)


@router.patch("/coaching/{note_id}", response={200: CoachingOut, 422: ErrorsOut})
def coaching_update_endpoint(request: HttpRequest, note_id: int, payload: CoachingPatchIn) -> Any:
    user = api_user(request)
    note = coaching_note_get_visible(user, note_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    try:
        note = coaching_note_update(
            note=note, actor=user, version=version, changes=_coaching_data(changes)
        )
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(200, note)


@router.post("/coaching/{note_id}/follow-up", response={200: CoachingOut, 422: ErrorsOut})
def coaching_follow_up_endpoint(request: HttpRequest, note_id: int, payload: FollowUpIn) -> Any:
    user = api_user(request)
    note = coaching_note_get_visible(user, note_id)
    try:
        note = coaching_follow_up_complete(
            note=note, actor=user, result=payload.result, version=payload.version
        )
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(200, note)
