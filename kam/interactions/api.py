"""/api/interactions — the same forms, services and selectors as the pages (R-API-1)."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from kam.accounts.selectors import account_get_visible
from kam.contacts.selectors import contacts_visible_to
from kam.core.api import api_user, validation_errors
from kam.interactions.forms import InteractionForm, interaction_initial
from kam.interactions.models import Interaction
from kam.interactions.rules import interaction_can_edit, interaction_can_log
from kam.interactions.schemas import (
    DetailOut,
    ErrorsOut,
    InteractionIn,
    InteractionListOut,
    InteractionOut,
    InteractionPatch,
    TimelineOut,
)
from kam.interactions.selectors import (
    TIMELINE_LIMIT,
    account_timeline,
    interaction_get_detail,
    interaction_list_slice,
)
from kam.interactions.services import interaction_create, interaction_update
from kam.users.models import User

router = Router(tags=["interactions"])

MAX_LIMIT = 100


def _person(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": str(getattr(obj, "name", obj))}


def _out(interaction: Interaction, *, with_attachments: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        name: getattr(interaction, name)
        for name in (
            "id", "account_id", "kind", "occurred_at", "subject", "content", "reception_notes",
            "outcome", "next_step", "next_step_date", "accompanied", "version", "created_at",
            "updated_at",
        )
    }  # fmt: skip
    data["account_name"] = interaction.account.name
    data["kind_display"] = interaction.get_kind_display()
    data["accompanied_by"] = _person(interaction.accompanied_by)
    data["created_by"] = _person(interaction.created_by)
    data["our_participants"] = [_person(u) for u in interaction.our_participants.all()]
    data["their_participants"] = [_person(c) for c in interaction.their_participants.all()]
    if with_attachments:
        data["attachments"] = [
            {
                "id": a.pk,
                "name": a.original_name,
                "size": a.size,
                "content_type": a.content_type,
                "download_url": reverse("interactions:attachment_download", args=[a.pk]),
            }
            for a in interaction.attachments.all()
        ]
    return data


def _form(user: User, account: Any, data: dict[str, Any], instance: Any = None) -> InteractionForm:
    """The page's form, accepting any active colleague and any visible contact."""
    return InteractionForm(
        data,
        account=account,
        actor=user,
        instance=instance,
        users=User.objects.filter(is_active=True),
        contacts=contacts_visible_to(user),
    )


class ListFilters(Schema):
    account_id: int | None = None
    kind: str = ""
    date_from: date | None = None
    date_to: date | None = None
    created_by_id: int | None = None
    limit: int = 50
    offset: int = 0


@router.get("/", response=InteractionListOut, summary="List visible interactions")
def list_interactions(request: HttpRequest, filters: Query[ListFilters]) -> dict[str, Any]:
    limit = max(1, min(filters.limit, MAX_LIMIT))
    offset = max(0, filters.offset)
    page = interaction_list_slice(
        api_user(request),
        offset,
        limit + 1,
        kind=filters.kind,
        account_id=filters.account_id,
        author_id=filters.created_by_id,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    return {
        "items": [_out(i) for i in page[:limit]],
        "next_offset": offset + limit if len(page) > limit else None,
    }


@router.get("/timeline/{account_id}", response={200: TimelineOut}, summary="The account's timeline")
def timeline(request: HttpRequest, account_id: int, before: datetime | None = None) -> Any:
    account = account_get_visible(api_user(request), account_id)
    items = account_timeline(account=account, before=before, limit=TIMELINE_LIMIT + 1)
    shown = items[:TIMELINE_LIMIT]
    return {
        "items": [
            {
                "at": i.at,
                "kind": i.kind,
                "title": i.title,
                "detail": i.detail,
                "url": i.url,
                "actor": i.actor,
            }
            for i in shown
        ],
        "next_before": shown[-1].at if len(items) > TIMELINE_LIMIT else None,
    }


@router.get("/{interaction_id}", response=InteractionOut, summary="One interaction")
def get_interaction(request: HttpRequest, interaction_id: int) -> dict[str, Any]:
    return _out(interaction_get_detail(api_user(request), interaction_id), with_attachments=True)


@router.post(
    "/",
    response={201: InteractionOut, 403: DetailOut, 422: ErrorsOut},
    summary="Log an interaction (attachments go through the page)",
)
def create_interaction(request: HttpRequest, payload: InteractionIn) -> Any:
    user = api_user(request)
    account = account_get_visible(user, payload.account_id)
    if not interaction_can_log(user, account):
        raise HttpError(403, "你不能在该客户下记录拜访。")
    data = payload.dict(exclude={"account_id"})
    if data["our_participants"] is None:
        data["our_participants"] = [user.pk]
    form = _form(user, account, data)
    if not form.is_valid():
        return Status(422, {"errors": {k: list(v) for k, v in form.errors.items()}})
    try:
        interaction = interaction_create(
            account=account,
            actor=user,
            data=form.service_data(),
            our_participants=form.cleaned_data["our_participants"],
            their_participants=form.cleaned_data["their_participants"],
        )
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "Forbidden") from error
    return Status(201, _out(interaction_get_detail(user, interaction.pk), with_attachments=True))


@router.patch(
    "/{interaction_id}",
    response={200: InteractionOut, 403: DetailOut, 422: ErrorsOut},
    summary="Change an interaction (send the version you based the change on)",
)
def update_interaction(request: HttpRequest, interaction_id: int, payload: InteractionPatch) -> Any:
    user = api_user(request)
    interaction = interaction_get_detail(user, interaction_id)
    if not interaction_can_edit(user, interaction):
        raise HttpError(403, "你不能修改这条拜访记录。")
    data = interaction_initial(interaction)
    data.update(payload.dict(exclude_unset=True))
    form = _form(user, interaction.account, data, instance=interaction)
    if not form.is_valid():
        return Status(422, {"errors": {k: list(v) for k, v in form.errors.items()}})
    sent = payload.model_fields_set
    try:
        interaction_update(
            interaction=interaction,
            actor=user,
            version=payload.version,
            data=form.service_data(),
            our_participants=form.cleaned_data["our_participants"]
            if "our_participants" in sent
            else None,
            their_participants=form.cleaned_data["their_participants"]
            if "their_participants" in sent
            else None,
        )
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "Forbidden") from error
    return Status(200, _out(interaction_get_detail(user, interaction.pk), with_attachments=True))
