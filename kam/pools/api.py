"""/api/pools: the same services and visibility as the pool pages (R-POOL-1/2, R-API-1)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from kam.accounts.models import Account
from kam.accounts.selectors import account_get_visible
from kam.core.api import api_user, validation_errors
from kam.pools.models import Pool, PoolEvent
from kam.pools.rules import pool_can_configure
from kam.pools.schemas import (
    AssignIn,
    ClaimOut,
    ErrorsOut,
    PoolAccountListOut,
    PoolEventOut,
    PoolIn,
    PoolOut,
    PoolPatchIn,
    RefusedOut,
    ReleaseIn,
    RuleIn,
)
from kam.pools.selectors import (
    account_pool_events,
    pool_accounts,
    pool_get,
    pools_active,
    pools_all,
    protections_of,
)
from kam.pools.services.claims import pool_assign, pool_claim, pool_release
from kam.pools.services.config import pool_create, pool_rules_replace, pool_update
from kam.users.models import Team, User

router = Router(tags=["pools"])

MAX_LIMIT = 100


class PoolAccountFilters(Schema):
    q: str | None = None
    industry: str | None = None
    province: str | None = None
    grade: str | None = None
    state: str | None = None
    limit: int = 50
    offset: int = 0


class PageQuery(Schema):
    limit: int = 50
    offset: int = 0


def _page(rows: Any, limit: int, offset: int) -> dict[str, Any]:
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    items = list(rows[offset : offset + limit + 1])
    return {"items": items[:limit], "next_offset": offset + limit if len(items) > limit else None}


def _rules(rules: list[RuleIn]) -> list[tuple[str, str, int]]:
    return [(rule.grade, rule.trigger, rule.days) for rule in rules]


def _teams(ids: list[int]) -> list[Team]:
    teams = list(Team.objects.filter(pk__in=ids))
    if len(teams) != len(set(ids)):
        raise ValidationError({"team_ids": [_("团队不存在。")]})
    return teams


@router.get("/", response=list[PoolOut])
def pool_list_endpoint(request: HttpRequest) -> list[Pool]:
    return list(pools_all()) if pool_can_configure(api_user(request)) else pools_active()


@router.post("/", response={201: PoolOut, 422: ErrorsOut})
def pool_create_endpoint(request: HttpRequest, payload: PoolIn) -> Any:
    user = api_user(request)
    values = payload.model_dump(exclude={"team_ids", "rules"})
    try:
        pool = pool_create(actor=user, data=values, teams=_teams(payload.team_ids))
        pool_rules_replace(pool=pool, actor=user, rules=_rules(payload.rules))
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    return Status(201, pool_get(pool.pk))


@router.get("/mine", response=PoolAccountListOut)
def mine_endpoint(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    return _page(protections_of(api_user(request)), page.limit, page.offset)


@router.patch("/{pool_id}", response={200: PoolOut, 422: ErrorsOut})
def pool_update_endpoint(request: HttpRequest, pool_id: int, payload: PoolPatchIn) -> Any:
    user = api_user(request)
    pool = pool_get(pool_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"version", "team_ids", "rules"})
    try:
        teams = _teams(payload.team_ids) if payload.team_ids is not None else None
        pool = pool_update(
            pool=pool, actor=user, version=payload.version, changes=changes, teams=teams
        )
        if payload.rules is not None:
            pool_rules_replace(pool=pool, actor=user, rules=_rules(payload.rules))
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    return Status(200, pool_get(pool.pk))


@router.get("/{pool_id}/accounts", response=PoolAccountListOut)
def pool_accounts_endpoint(
    request: HttpRequest, pool_id: int, filters: Query[PoolAccountFilters]
) -> dict[str, Any]:
    pool = pool_get(pool_id)
    criteria = filters.model_dump(exclude={"limit", "offset"}, exclude_none=True)
    return _page(pool_accounts(api_user(request), pool, criteria), filters.limit, filters.offset)


@router.post("/accounts/{account_id}/claim", response={200: ClaimOut, 409: RefusedOut})
def claim_endpoint(request: HttpRequest, account_id: int) -> Any:
    try:
        return Status(200, pool_claim(account_id=account_id, actor=api_user(request)))
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from error
    except ValidationError as error:
        if error.code == "missing":  # or not visible: the same answer as any unknown id
            raise Http404 from None
        return Status(409, {"detail": " ".join(error.messages), "code": error.code or ""})


@router.post(
    "/accounts/{account_id}/release", response={200: ClaimOut, 409: RefusedOut, 422: ErrorsOut}
)
def release_endpoint(request: HttpRequest, account_id: int, payload: ReleaseIn) -> Any:
    user = api_user(request)
    account = account_get_visible(user, account_id)
    try:
        account = pool_release(
            account=account, actor=user, reason=payload.reason, version=payload.version
        )
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from error
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            return Status(422, {"errors": validation_errors(error)})
        return Status(409, {"detail": " ".join(error.messages), "code": error.code or ""})
    return Status(200, account)


@router.post("/accounts/{account_id}/assign", response={200: ClaimOut, 422: ErrorsOut})
def assign_endpoint(request: HttpRequest, account_id: int, payload: AssignIn) -> Any:
    user = api_user(request)
    account = account_get_visible(user, account_id)
    to_user = User.objects.filter(pk=payload.to_user_id).first()
    if to_user is None:
        return Status(422, {"errors": {"to_user_id": [_("用户不存在。")]}})
    try:
        account = pool_assign(
            account_id=account.pk, to_user=to_user, actor=user, reason=payload.reason
        )
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from error
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    return Status(200, Account.objects.get(pk=account.pk))


@router.get("/accounts/{account_id}/events", response=list[PoolEventOut])
def events_endpoint(request: HttpRequest, account_id: int) -> list[PoolEvent]:
    account = account_get_visible(api_user(request), account_id)
    return list(account_pool_events(account)[:200])
