"""Account pages: thin adapters — parse with a form, check the rules, call a service or a
selector, render."""

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kam.accounts.enums import AccountStatus, CoreField, Industry, Level, PurchaseScenario
from kam.accounts.forms import (
    AccountFilterForm,
    AccountForm,
    CoreChangeForm,
    GradeForm,
    OwnerForm,
    TeamMemberForm,
    VerificationForm,
)
from kam.accounts.list_cells import account_rows_html
from kam.accounts.models import Account, AccountTeamMember
from kam.accounts.rules import account_can_create, account_can_edit
from kam.accounts.selectors import (
    DEFAULT_COLUMNS,
    LIST_COLUMNS,
    SORT_FIELDS,
    Candidate,
    account_candidates_for_display,
    account_detail,
    account_get_visible,
    account_group_tree,
    account_latest_verifications,
    account_parent_candidates,
    account_team_members,
    accounts_list,
    accounts_list_page,
    accounts_visible_to,
)
from kam.accounts.services import (
    account_add_team_member,
    account_change_grade,
    account_change_owner,
    account_clear_personnel_flag,
    account_core_change_request,
    account_create,
    account_owner_changeable_by,
    account_remove_team_member,
    account_update,
    account_verify_core_field,
    core_field_value,
)
from kam.audit.exports import export_allowed, export_response
from kam.core.choices import choice_label
from kam.core.forms import form_add_service_errors
from kam.core.http import AuthenticatedHttpRequest
from kam.core.pagination import page_number
from kam.opportunities.selectors import opportunities_for_account
from kam.users.saved_views import (
    saved_views,
    view_columns,
    view_query,
)

COLUMN_LABELS = {
    "name": gettext_lazy("客户名称"),
    "grade": gettext_lazy("分级"),
    "level": gettext_lazy("层级"),
    "industry": gettext_lazy("行业"),
    "province": gettext_lazy("省份/城市"),
    "owner": gettext_lazy("客户经理"),
    "team": gettext_lazy("团队"),
    "status": gettext_lazy("状态"),
    "purchase_scenario": gettext_lazy("采购场景"),
    "credit_code": gettext_lazy("统一社会信用代码"),
    "last_activity_at": gettext_lazy("最近跟进"),
    "updated_at": gettext_lazy("更新时间"),
}
SCENARIO_MEANINGS = {
    PurchaseScenario.CONTINUOUS: gettext_lazy(
        "持续购买（如原材料）：关键是进入供应商名录（入圈）。"
    ),
    PurchaseScenario.OCCASIONAL: gettext_lazy("偶发性购买（如咨询、工程）：关键是及时获知需求。"),
}
LIST_KEY = "accounts"


def _columns(query: QueryDict) -> list[str]:
    raw = view_columns(query)
    chosen = [column for column in LIST_COLUMNS if column in raw]
    return chosen or list(DEFAULT_COLUMNS)


def _headers(columns: list[str], sort: str) -> list[dict[str, Any]]:
    headers = []
    for key in ["name", *columns]:
        header: dict[str, Any] = {"key": key, "label": COLUMN_LABELS[key], "sort": None}
        if key in SORT_FIELDS:
            header["state"] = "asc" if sort == key else "desc" if sort == f"-{key}" else ""
            header["sort"] = f"-{key}" if sort == key else key
        headers.append(header)
    return headers


def account_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    views = saved_views(request, LIST_KEY)
    if default := views.default_redirect():
        return default
    filter_form = AccountFilterForm(request.GET or None, user=user)
    sort = filter_form.sort_value()
    columns = _columns(request.GET)
    page = accounts_list_page(
        user, filter_form.filters(), sort, page_number(request.GET.get("page"))
    )
    context = {
        "filter_form": filter_form,
        "page_obj": page,
        "accounts": page.object_list,
        "rows": account_rows_html(page.object_list, columns),
        "columns": columns,
        "headers": _headers(columns, sort),
        "all_columns": [(key, COLUMN_LABELS[key]) for key in LIST_COLUMNS],
        **views.context(),
        "can_export": export_allowed(user),
        "can_create": account_can_create(user),
        "query_string": view_query(request.GET),
        "sort": sort,
        "filtered": bool(filter_form.filters()),
    }
    return render(request, "accounts/list.html", context)


_L = gettext_lazy
EXPORT_HEADERS = [
    _L("客户名称"), _L("统一社会信用代码"), _L("行业"), _L("省份"), _L("城市"), _L("层级"),
    _L("分级"), _L("状态"), _L("采购场景"), _L("客户经理"), _L("团队"), _L("最近跟进"),
    _L("更新时间"),
]  # fmt: skip


def export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    user = request.user
    if not export_allowed(user):
        raise PermissionDenied
    filter_form = AccountFilterForm(request.GET or None, user=user)
    queryset = accounts_list(user, filter_form.filters(), filter_form.sort_value())
    file_format = "csv" if request.GET.get("format") == "csv" else "xlsx"

    # Plain values: instances with their owner and team took most of a large export's time.
    def rows() -> Iterator[list[Any]]:
        values = queryset.values_list(
            "name", "credit_code", "industry", "province", "city", "level", "grade", "status",
            "purchase_scenario", "owner__display_name", "owner__username", "team__name",
            "last_activity_at", "updated_at",
        )  # fmt: skip
        for (
            name, credit_code, industry, province, city, level, grade, status, scenario,
            owner_name, owner_login, team_name, last_activity_at, updated_at,
        ) in values.iterator(chunk_size=2000):  # fmt: skip
            yield [
                name, credit_code, choice_label(Industry, industry), province, city,
                choice_label(Level, level), grade, choice_label(AccountStatus, status),
                choice_label(PurchaseScenario, scenario), owner_name or owner_login or "",
                team_name or "", last_activity_at, updated_at,
            ]  # fmt: skip

    return export_response(
        user=user,
        what=_("客户"),
        filename="accounts",
        headers=[str(h) for h in EXPORT_HEADERS],
        rows=rows(),
        file_format=file_format,
        filters=view_query(request.GET),
    )


def parent_options(request: AuthenticatedHttpRequest) -> HttpResponse:
    """htmx: the <option>s of the parent picker matching the search text."""
    exclude = request.GET.get("exclude")
    options = account_parent_candidates(
        request.user,
        request.GET.get("parent_search", ""),
        exclude_pk=int(exclude) if exclude and exclude.isdigit() else None,
    )
    return render(
        request, "partials/account_options.html", {"options": options, "empty_label": _("（无）")}
    )


# ---- create / edit --------------------------------------------------------------------------


def _service_error_to_form(
    form: AccountForm, error: ValidationError, request: AuthenticatedHttpRequest
) -> dict[str, Any]:
    """Put a service's ValidationError on the form; describe duplicates the user may see."""
    extra: dict[str, Any] = {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return extra
    for field, errors in error.error_dict.items():
        for item in errors:
            params = item.params or {}
            if item.code == "duplicate_credit_code":
                existing = Account.objects.select_related("owner").get(pk=params["account_id"])
                extra["duplicate"] = Candidate(
                    account=existing,
                    visible=accounts_visible_to(request.user).filter(pk=existing.pk).exists(),
                )
                form.add_error(field, _("该统一社会信用代码已存在于系统中。"))
            elif item.code == "similar_name":
                ids = [int(pk) for pk in str(params.get("account_ids", "")).split(",") if pk]
                similar = (
                    Account.objects.filter(pk__in=ids).select_related("owner").order_by("name")
                )
                extra["similar"] = account_candidates_for_display(request.user, similar)
                form.add_error(field, item.message)
            else:
                form.add_error(field if field in form.fields else None, item)
    return extra


def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not account_can_create(request.user):
        raise PermissionDenied
    form = AccountForm(request.POST or None, user=request.user)
    extra: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        try:
            account = account_create(
                actor=request.user,
                confirm_not_duplicate=form.cleaned_data["confirm_not_duplicate"],
                **form.service_kwargs(),
            )
        except ValidationError as error:
            extra = _service_error_to_form(form, error, request)
        else:
            messages.success(request, _("客户已创建。"))
            return redirect(account)
    return render(request, "accounts/form.html", {"form": form, "account": None, **extra})


def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = account_get_visible(request.user, pk)
    if not account_can_edit(request.user, account):
        raise PermissionDenied
    form = AccountForm(request.POST or None, user=request.user, account=account, core_readonly=True)
    extra: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        try:
            account_update(
                account=account,
                actor=request.user,
                version=form.cleaned_data["version"],
                changes=form.service_kwargs(),
                confirm_not_duplicate=form.cleaned_data["confirm_not_duplicate"],
            )
        except ValidationError as error:
            extra = _service_error_to_form(form, error, request)
        else:
            messages.success(request, _("客户信息已保存。"))
            return redirect(account)
    return render(request, "accounts/form.html", {"form": form, "account": account, **extra})


def core_change(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Ask for a change of the core fields (R-ACC-5); it takes effect once approved."""
    account = account_detail(request.user, pk)
    if not account_can_edit(request.user, account):
        raise PermissionDenied
    form = CoreChangeForm(request.POST or None, user=request.user, account=account)
    if request.method == "POST" and form.is_valid():
        try:
            approval = account_core_change_request(
                account=account, actor=request.user, changes=form.changes(),
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("核心信息修改申请已提交，审批通过后生效。"))
            return redirect(approval)
    return render(request, "accounts/core_change.html", {"form": form, "account": account})


# ---- detail and its actions ------------------------------------------------------------------


def _detail(
    request: AuthenticatedHttpRequest, account: Account, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    can_edit = account_can_edit(user, account)
    can_change_owner = account_owner_changeable_by(user, account)
    verifications = account_latest_verifications(account)
    core_fields = []
    for value, label in CoreField.choices:
        current = core_field_value(account, value)
        verification = verifications.get(value)
        core_fields.append(
            {
                "key": value,
                "label": label,
                "value": current,
                "verification": verification,
                # A verification of an older value no longer vouches for the current one.
                "stale": verification is not None and verification.value != current[:200],
            }
        )
    context = {
        "account": account,
        "can_edit": can_edit,
        "can_change_owner": can_change_owner,
        "scenario_meaning": SCENARIO_MEANINGS.get(account.purchase_scenario, ""),  # type: ignore[call-overload]
        "core_fields": core_fields,
        "tree": account_group_tree(user, account),
        "members": account_team_members(account),
        "opportunities": opportunities_for_account(user, account),
        "grade_form": forms.get("grade_form")
        or GradeForm(initial={"grade": account.grade, "version": account.version}),
        "owner_form": forms.get("owner_form")
        or (
            OwnerForm(user=user, initial={"owner": account.owner_id, "version": account.version})
            if can_change_owner
            else None
        ),
        "verification_form": forms.get("verification_form") or VerificationForm(),
        "member_form": forms.get("member_form") or (TeamMemberForm() if can_edit else None),
    }
    return render(request, "accounts/detail.html", context, status=status)


def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, account_detail(request.user, pk))


def _editable(request: AuthenticatedHttpRequest, pk: int) -> Account:
    account = account_detail(request.user, pk)
    if not account_can_edit(request.user, account):
        raise PermissionDenied
    return account


@require_POST
def change_grade(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = _editable(request, pk)
    form = GradeForm(request.POST)
    if form.is_valid():
        try:
            account_change_grade(
                account=account, grade=form.cleaned_data["grade"],
                reason=form.cleaned_data["reason"], actor=request.user,
                version=form.cleaned_data["version"],
            )  # fmt: skip
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("客户分级已更新。"))
            return redirect(account)
    return _detail(request, account, status=400, grade_form=form)


@require_POST
def change_owner(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = account_detail(request.user, pk)
    if not account_owner_changeable_by(request.user, account):
        raise PermissionDenied
    form = OwnerForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            account_change_owner(
                account=account, owner=form.cleaned_data["owner"],
                reason=form.cleaned_data["reason"], actor=request.user,
                version=form.cleaned_data["version"],
            )  # fmt: skip
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("客户经理已变更。"))
            return redirect(account)
    return _detail(request, account, status=400, owner_form=form)


@require_POST
def verify(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = _editable(request, pk)
    form = VerificationForm(request.POST)
    if form.is_valid():
        try:
            account_verify_core_field(
                account=account, field=form.cleaned_data["field"],
                method=form.cleaned_data["method"], note=form.cleaned_data["note"],
                actor=request.user,
            )  # fmt: skip
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("核实记录已保存。"))
            return redirect(account)
    return _detail(request, account, status=400, verification_form=form)


@require_POST
def member_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = _editable(request, pk)
    form = TeamMemberForm(request.POST)
    if form.is_valid():
        try:
            account_add_team_member(
                account=account, user=form.cleaned_data["user"], role=form.cleaned_data["role"],
                actor=request.user,
            )  # fmt: skip
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("已加入客户团队。"))
            return redirect(account)
    return _detail(request, account, status=400, member_form=form)


@require_POST
def member_remove(request: AuthenticatedHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    account = _editable(request, pk)
    member = get_object_or_404(
        AccountTeamMember.objects.select_related("account"), pk=member_pk, account=account
    )
    account_remove_team_member(member=member, actor=request.user)
    messages.success(request, _("已移出客户团队。"))
    return redirect(account)


@require_POST
def personnel_flag_clear(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = _editable(request, pk)
    account_clear_personnel_flag(account=account, actor=request.user)
    messages.success(request, _("关键人变动已标记为已处理。"))
    return redirect(account)
