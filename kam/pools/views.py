"""Pool pages: the pool with its claim buttons, my protected accounts, the manager's 流转
list, and the pool settings. Thin: parse → check → one service or selector → render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kam.accounts.selectors import account_get_visible
from kam.core.forms import form_add_service_errors
from kam.core.http import AuthenticatedHttpRequest
from kam.core.links import keyed_url
from kam.core.pagination import page_number, paginate
from kam.pools.forms import AssignForm, PoolFilterForm, PoolForm, ReleaseForm
from kam.pools.models import Pool, RecallRule
from kam.pools.rules import pool_can_configure
from kam.pools.selectors import (
    assignable_users,
    expiring_in_scope,
    pool_accounts,
    pool_allowance,
    pool_get,
    pools_active,
    pools_all,
    protections_of,
)
from kam.pools.services.claims import ASSIGNING_ROLES, pool_assign, pool_claim, pool_release
from kam.pools.services.config import pool_create, pool_rules_replace, pool_update
from kam.pools.services.protection import default_pool


def _refusal_text(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, PermissionDenied):
        return str(error) or _("你没有权限执行此操作。")
    return " ".join(error.messages)


def _flash_errors(request: AuthenticatedHttpRequest, form: Form) -> None:
    """The inline forms of a list have no room for errors: they go to the page's messages."""
    messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))


@require_GET
def pool_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    return redirect("pools:pool", default_pool().pk)


@require_GET
def pool_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pools = pools_active()
    pool = next((p for p in pools if p.pk == pk), None)
    if pool is None:
        pool = get_object_or_404(Pool, pk=pk)
    filter_form = PoolFilterForm(request.GET or None)
    filters = filter_form.filters()
    page = paginate(
        pool_accounts(request.user, pool, filters), page_number(request.GET.get("page"))
    )
    context = {
        "pools": pools,
        "pool": pool,
        "filter_form": filter_form,
        "filtered": any(filters.values()),
        "page_obj": page,
        "allowance": pool_allowance(request.user, pool),
        "can_assign": request.user.role in ASSIGNING_ROLES or pool_can_configure(request.user),
    }
    return render(request, "pools/pool.html", context)


@require_POST
def claim(request: AuthenticatedHttpRequest, account_pk: int) -> HttpResponse:
    try:
        account = pool_claim(account_id=account_pk, actor=request.user)
    except (ValidationError, PermissionDenied) as refusal:
        if isinstance(refusal, ValidationError) and refusal.code == "missing":
            if not request.htmx:
                raise Http404 from None
            # Someone else won the race since the page loaded; the account is theirs now. The
            # message is the same for any id, so it tells a prober nothing.
            error = _("该客户已不在公海中，可能已被他人领取。")
        else:
            error = _refusal_text(refusal)
        if request.htmx:
            return render(request, "pools/pool.html#claim-result", {"error": error})
        messages.error(request, error)
        return redirect(request.POST.get("next") or keyed_url("accounts:detail", account_pk))
    if request.htmx:
        context = {"account": account, "claimed": True}
        return render(request, "pools/pool.html#claim-result", context)
    messages.success(request, _("已领取“%(name)s”。") % {"name": account.name})
    return redirect(account.get_absolute_url())


@require_GET
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = paginate(protections_of(request.user), page_number(request.GET.get("page")))
    return render(request, "pools/mine.html", {"page_obj": page})


@require_POST
def release(request: AuthenticatedHttpRequest, account_pk: int) -> HttpResponse:
    account = account_get_visible(request.user, account_pk)
    form = ReleaseForm(request.POST)
    if form.is_valid():
        try:
            pool_release(
                account=account, actor=request.user, reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )  # fmt: skip
        except ValidationError as error:
            form_add_service_errors(form, error)
    if form.errors:
        _flash_errors(request, form)
        return redirect(request.POST.get("next") or account.get_absolute_url())
    messages.success(request, _("“%(name)s”已释放到公海。") % {"name": account.name})
    return redirect(request.POST.get("next") or "pools:mine")


def _require_assigner(request: AuthenticatedHttpRequest) -> None:
    user = request.user
    if user.role not in ASSIGNING_ROLES and not pool_can_configure(user):
        raise PermissionDenied(_("只有销售经理、销售总监、总经理和管理员可以分配客户。"))


@require_GET
def expiring(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_assigner(request)
    page = paginate(expiring_in_scope(request.user), page_number(request.GET.get("page")))
    context = {"page_obj": page, "assign_form": AssignForm(users=assignable_users(request.user))}
    return render(request, "pools/expiring.html", context)


@require_POST
def assign(request: AuthenticatedHttpRequest, account_pk: int) -> HttpResponse:
    _require_assigner(request)
    account = account_get_visible(request.user, account_pk)
    form = AssignForm(request.POST, users=assignable_users(request.user))
    if form.is_valid():
        try:
            pool_assign(
                account_id=account.pk, to_user=form.cleaned_data["to_user"],
                actor=request.user, reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except ValidationError as error:
            form_add_service_errors(form, error)
    if form.errors:
        _flash_errors(request, form)
    else:
        messages.success(
            request,
            _("“%(name)s”已分配给 %(who)s。")
            % {"name": account.name, "who": form.cleaned_data["to_user"]},
        )
    return redirect(request.POST.get("next") or "pools:expiring")


@require_GET
def settings_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {"pools": pools_all(), "can_configure": pool_can_configure(request.user)}
    return render(request, "pools/settings.html", context)


def _rules_of(pool: Pool | None) -> list[tuple[str, str, int]]:
    if pool is None:
        return []
    return list(RecallRule.objects.filter(pool=pool).values_list("grade", "trigger", "days"))


@require_http_methods(["GET", "POST"])
def pool_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    if not pool_can_configure(request.user):
        raise PermissionDenied(_("只有销售总监、总经理和管理员可以配置公海。"))
    pool = pool_get(pk) if pk is not None else None
    form = PoolForm(request.POST or None, instance=pool, rules=_rules_of(pool))
    if request.method == "POST" and form.is_valid():
        try:
            if pool is None:
                pool = pool_create(
                    actor=request.user, data=form.pool_values(), teams=form.cleaned_data["teams"]
                )
            else:
                pool = pool_update(
                    pool=pool, actor=request.user, version=form.cleaned_data["version"] or 0,
                    changes=form.pool_values(), teams=form.cleaned_data["teams"],
                )  # fmt: skip
            pool_rules_replace(pool=pool, actor=request.user, rules=form.rules())
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("公海“%(name)s”已保存。") % {"name": pool.name})
            return redirect("pools:settings")
    status = 422 if form.errors else 200
    return render(request, "pools/pool_form.html", {"form": form, "pool": pool}, status=status)
