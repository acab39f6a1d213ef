"""/api/accounts: the same forms, services and visibility as the pages (R-API-1)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from kam.accounts.forms import AccountForm, AccountMergeForm, account_form_initial
from kam.accounts.merging import account_merge
from kam.accounts.models import Account
from kam.accounts.rules import account_can_create, account_can_edit
from kam.accounts.schemas import (
    AccountCreateIn,
    AccountListOut,
    AccountMergeIn,
    AccountOut,
    AccountPatchIn,
    CoreChangeIn,
    CoreChangeOut,
    ErrorsOut,
)
from kam.accounts.selectors import (
    DEFAULT_SORT,
    account_get_visible,
    accounts_list,
    accounts_visible_to,
)
from kam.accounts.services import account_core_change_request, account_create, account_update
from kam.accounts.validators import validate_credit_code
from kam.core.api import api_user, validation_errors

router = Router(tags=["accounts"])

MAX_LIMIT = 100
# Form field name → API field name, so errors name what the client sent.
API_NAMES = {"parent": "parent_id", "owner": "owner_id", "source": "source_id"}


class AccountFilters(Schema):
    industry: str | None = None
    province: str | None = None
    level: str | None = None
    grade: str | None = None
    status: str | None = None
    owner_id: int | None = None
    team_id: int | None = None
    q: str | None = None
    sort: str = DEFAULT_SORT
    limit: int = 50
    offset: int = 0


def _form_errors(errors: dict[str, Any]) -> dict[str, list[str]]:
    return {
        API_NAMES.get(field, field): [str(m) for m in messages]
        for field, messages in errors.items()
    }


def _form_data(values: dict[str, Any]) -> dict[str, Any]:
    data = {}
    for field, value in values.items():
        name = {"parent_id": "parent", "owner_id": "owner"}.get(field, field)
        if value is None or value is False:
            data[name] = ""
        else:
            data[name] = value
    return data


@router.get("/", response=AccountListOut)
def account_list(request: HttpRequest, filters: Query[AccountFilters]) -> dict[str, Any]:
    limit = max(1, min(filters.limit, MAX_LIMIT))
    offset = max(0, filters.offset)
    criteria = {
        "industry": filters.industry, "province": filters.province, "level": filters.level,
        "grade": filters.grade, "status": filters.status, "owner": filters.owner_id,
        "team": filters.team_id, "q": filters.q,
    }  # fmt: skip
    queryset = accounts_list(api_user(request), criteria, filters.sort).defer(None)
    rows = list(queryset[offset : offset + limit + 1])
    return {
        "items": rows[:limit],
        "next_offset": offset + limit if len(rows) > limit else None,
    }


@router.get("/{account_id}", response=AccountOut)
def account_get(request: HttpRequest, account_id: int) -> Account:
    return account_get_visible(api_user(request), account_id)


@router.post("/", response={201: AccountOut, 403: ErrorsOut, 422: ErrorsOut})
def account_create_endpoint(request: HttpRequest, payload: AccountCreateIn) -> Any:
    user = api_user(request)
    if not account_can_create(user):
        raise HttpError(403, "forbidden")
    values = payload.model_dump()
    if "owner_id" not in payload.model_fields_set:
        values["owner_id"] = user.pk
    confirm = values.pop("confirm_not_duplicate")
    form = AccountForm(_form_data(values), user=user)
    if not form.is_valid():
        return Status(422, {"errors": _form_errors(form.errors)})
    try:
        account = account_create(actor=user, confirm_not_duplicate=confirm, **form.service_kwargs())
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(201, account)


@router.patch("/{account_id}", response={200: AccountOut, 422: ErrorsOut})
def account_update_endpoint(request: HttpRequest, account_id: int, payload: AccountPatchIn) -> Any:
    user = api_user(request)
    account = account_get_visible(user, account_id)
    if not account_can_edit(user, account):
        raise HttpError(403, "只读：你没有编辑该客户的权限。")
    changes = payload.model_dump(exclude_unset=True)
    confirm = bool(changes.pop("confirm_not_duplicate", False))
    values = {
        key: value for key, value in account_form_initial(account).items() if key not in {"version"}
    }
    values["parent_id"] = values.pop("parent")
    values["owner_id"] = values.pop("owner")
    values.update(changes)
    form = AccountForm(_form_data(values), user=user, account=account, with_owner_and_grade=True)
    if not form.is_valid():
        return Status(422, {"errors": _form_errors(form.errors)})
    try:
        account = account_update(
            account=account,
            actor=user,
            version=form.cleaned_data["version"],
            changes=form.service_kwargs(),
            confirm_not_duplicate=confirm,
        )
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(200, account)


@router.post("/{account_id}/merge", response={200: AccountOut, 403: ErrorsOut, 422: ErrorsOut})
def account_merge_endpoint(request: HttpRequest, account_id: int, payload: AccountMergeIn) -> Any:
    """Merge the duplicate `source_id` into this account (R-ACC-4); returns this account."""
    user = api_user(request)
    target = account_get_visible(user, account_id)
    source = account_get_visible(user, payload.source_id)
    if not account_can_edit(user, target):
        raise HttpError(403, "只读：你没有编辑该客户的权限。")
    form = AccountMergeForm(
        {
            "source": source.pk,
            "reason": payload.reason,
            "confirm": "on",
            "source_version": "" if payload.source_version is None else payload.source_version,
            "target_version": "" if payload.target_version is None else payload.target_version,
        },
        user=user,
        target=target,
    )
    if not form.is_valid():
        return Status(422, {"errors": _form_errors(form.errors)})
    try:
        merged = account_merge(
            source=source,
            target=target,
            reason=form.cleaned_data["reason"],
            actor=user,
            source_version=form.cleaned_data["source_version"],
            target_version=form.cleaned_data["target_version"],
        )
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(200, merged)


@router.post(
    "/{account_id}/core-change",
    response={201: CoreChangeOut, 403: ErrorsOut, 422: ErrorsOut},
    summary="Ask for a change of core fields; applied once the approval passes (R-ACC-5)",
)
def account_core_change_endpoint(
    request: HttpRequest, account_id: int, payload: CoreChangeIn
) -> Any:
    user = api_user(request)
    account = account_get_visible(user, account_id)
    if not account_can_edit(user, account):
        raise HttpError(403, "只读：你没有编辑该客户的权限。")
    sent = payload.model_dump(exclude_unset=True)
    reason = sent.pop("reason", "")
    changes: dict[str, Any] = {}
    try:
        if "credit_code" in sent:
            code = (sent["credit_code"] or "").strip()
            changes["credit_code"] = validate_credit_code(code) if code else None
        if "parent_id" in sent:
            parent_id = sent["parent_id"]
            # An account the caller cannot see is reported as missing, never used.
            parent = accounts_visible_to(user).filter(pk=parent_id).first() if parent_id else None
            if parent_id and parent is None:
                return Status(422, {"errors": {"parent_id": [_("上级单位不存在。")]}})
            changes["parent"] = parent
        for field in ("name", "level"):
            if field in sent:
                changes[field] = sent[field]
    except ValidationError as error:
        return Status(422, {"errors": {"credit_code": list(error.messages)}})
    try:
        approval = account_core_change_request(
            account=account, actor=user, changes=changes, reason=reason
        )
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "forbidden") from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error, API_NAMES)})
    return Status(201, {"approval_id": approval.pk, "status": approval.status})
