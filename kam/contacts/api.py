"""/api/contacts: the same people, rules and visibility as the pages (R-API-1)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError

from kam.accounts.rules import account_can_edit
from kam.accounts.selectors import accounts_visible_to
from kam.contacts.forms import ContactForm, contact_initial
from kam.contacts.models import Contact
from kam.contacts.schemas import (
    ContactCreateIn,
    ContactDetailOut,
    ContactListOut,
    ContactOut,
    ContactPatchIn,
    ErrorOut,
)
from kam.contacts.selectors import contact_get_visible, contact_list, score_history
from kam.contacts.services import CONTACT_FIELDS, contact_create, contact_update
from kam.core.api import api_user, validation_errors

router = Router(tags=["contacts"])


def _form_data(base: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    """Merge the JSON payload over `base` and shape it the way the page form posts it."""
    merged = dict(base)
    for key, value in payload.items():
        merged["reports_to" if key == "reports_to_id" else key] = value
    return {key: "" if value is None else value for key, value in merged.items()}


def _form_errors(form: ContactForm) -> dict[str, dict[str, list[str]]]:
    return {"errors": {k: [str(m) for m in v] for k, v in form.errors.items()}}


@router.get("/", response=ContactListOut)
def list_contacts(
    request: HttpRequest,
    account_id: int | None = None,
    decision_role: str | None = None,
    attitude: str | None = None,
    q: str | None = None,
    limit: int = Query(50, ge=1, le=100),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    filters = {
        "account_id": account_id,
        "decision_role": decision_role,
        "attitude": attitude,
        "q": q,
    }
    queryset = contact_list(api_user(request), filters, "name", cards_only=False)
    rows = list(queryset[offset : offset + limit + 1])
    return {
        "items": rows[:limit],
        "next_offset": offset + limit if len(rows) > limit else None,
    }


@router.get("/{contact_id}", response=ContactDetailOut)
def get_contact(request: HttpRequest, contact_id: int) -> Contact:
    contact = contact_get_visible(api_user(request), contact_id)
    contact.score_history = score_history(contact)  # type: ignore[attr-defined]
    return contact


@router.post("/", response={201: ContactOut, 422: ErrorOut})
def create_contact(request: HttpRequest, payload: ContactCreateIn) -> Status[Any]:
    user = api_user(request)
    account = get_object_or_404(accounts_visible_to(user), pk=payload.account_id)
    if not account_can_edit(user, account):
        raise HttpError(403, _("你没有权限修改该客户的关键人。"))
    fields = payload.model_dump(exclude_unset=True, exclude={"account_id"})
    base = model_to_dict(Contact(), fields=CONTACT_FIELDS)
    form = ContactForm(_form_data(base, fields), account=account)
    if not form.is_valid():
        return Status(422, _form_errors(form))
    try:
        contact = contact_create(account=account, actor=user, data=form.service_data())
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from error
    return Status(201, contact)


@router.patch("/{contact_id}", response={200: ContactOut, 422: ErrorOut})
def update_contact(request: HttpRequest, contact_id: int, payload: ContactPatchIn) -> Status[Any]:
    user = api_user(request)
    contact = contact_get_visible(user, contact_id)
    if not account_can_edit(user, contact.account):
        raise HttpError(403, _("你没有权限修改该客户的关键人。"))
    fields = payload.model_dump(exclude_unset=True)
    form = ContactForm(
        _form_data(contact_initial(contact), fields), account=contact.account, contact=contact
    )
    if not form.is_valid():
        return Status(422, _form_errors(form))
    try:
        updated = contact_update(
            contact=contact,
            actor=user,
            version=form.cleaned_data["version"],
            data=form.service_data(),
        )
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from error
    return Status(200, updated)
