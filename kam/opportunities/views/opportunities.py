"""Opportunity pages (SPEC R-OPP-1..3, R-OPP-6): list, export, create, edit, the detail page and
its stage move. Thin adapters: forms parse, selectors read through visibility, services write.
The detail page's sections (competitors, team, attestations) live in `views/sections.py`."""

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kam.accounts.rules import account_can_edit
from kam.accounts.selectors import account_get_visible
from kam.audit.exports import export_allowed, export_response
from kam.audit.selectors import field_changes_for
from kam.core.choices import choice_labels
from kam.core.forms import form_add_service_errors
from kam.core.http import AuthenticatedHttpRequest
from kam.core.pagination import page_number, paginate
from kam.core.versioning import STALE_MESSAGE
from kam.opportunities.enums import (
    ForecastCategory,
    IntentClass,
    ProjectClass,
    StageKind,
    TeamRole,
)
from kam.opportunities.forms import (
    CompetitorForm,
    LineRow,
    OpportunityFilterForm,
    OpportunityForm,
    TeamMemberForm,
    line_rows_from_lines,
    line_rows_from_post,
)
from kam.opportunities.gates import Missing, stage_gate_missing
from kam.opportunities.list_rows import opportunity_rows_html
from kam.opportunities.models import Opportunity, localised
from kam.opportunities.money import weighted
from kam.opportunities.move_form import MoveForm
from kam.opportunities.panels import badges_for, panels
from kam.opportunities.rules import (
    gate_bypass_allowed,
    opportunity_can_contribute,
    opportunity_can_edit,
    violations_report_allowed,
)
from kam.opportunities.selectors import (
    opportunities_filtered,
    opportunities_list,
    opportunities_totals,
    opportunity_competitors,
    opportunity_gate_checklist,
    opportunity_get_visible,
    opportunity_lines,
    opportunity_move_targets,
    opportunity_open_stages,
    opportunity_stage_moves,
    opportunity_team,
)
from kam.opportunities.services.editing import opportunity_edit
from kam.opportunities.services.moves import GateRefused, opportunity_move
from kam.opportunities.services.opportunities import opportunity_create
from kam.opportunities.services.override import opportunity_create_request
from kam.products.models import Product
from kam.users.saved_views import saved_views, view_query

LIST_KEY = "opportunities"
IRON_TRIANGLE = [TeamRole.ACCOUNT_MANAGER, TeamRole.SOLUTION_MANAGER, TeamRole.DELIVERY_MANAGER]
_L = gettext_lazy
HEADERS = [
    ("number", _L("商机编号")), ("name", _L("商机名称")), ("account", _L("客户")),
    ("owner", _L("负责人")), ("stage", _L("阶段")), ("amount", _L("金额（元）")),
    ("weighted", _L("加权金额（元）")), ("expected_sign_date", _L("预计签约日期")),
    ("probability", _L("赢率（%）")), ("forecast_category", _L("预测类别")),
    ("intent_class", _L("意向分类")), ("project_class", _L("项目分类")),
    ("updated_at", _L("更新时间")),
]  # fmt: skip
SORTABLE = {"number", "name", "stage", "amount", "expected_sign_date", "probability", "updated_at"}


def _headers(sort: str) -> list[dict[str, Any]]:
    headers = []
    for key, label in HEADERS:
        header: dict[str, Any] = {"key": key, "label": label, "sort": None, "state": ""}
        if key in SORTABLE:
            header["state"] = "asc" if sort == key else "desc" if sort == f"-{key}" else ""
            header["sort"] = f"-{key}" if sort == key else key
        headers.append(header)
    return headers


def opportunity_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    views = saved_views(request, LIST_KEY)
    if default := views.default_redirect():
        return default
    filter_form = OpportunityFilterForm(_filter_data(request.GET), user=user)
    filters = filter_form.filters()
    sort = filter_form.sort_value()
    queryset = opportunities_list(user, filters, sort)
    page = paginate(queryset, page_number(request.GET.get("page")))
    badges = badges_for([opportunity.pk for opportunity in page.object_list])
    rows = [(o, badges.get(o.pk, [])) for o in page.object_list]
    context = {
        "filter_form": filter_form,
        "page_obj": page,
        "rows": rows,
        "rows_html": opportunity_rows_html(rows),
        "headers": _headers(sort),
        **views.context(),
        "can_export": export_allowed(user),
        "can_see_violations": violations_report_allowed(user),
        "query_string": view_query(request.GET),
        "sort": sort,
        "filtered": bool(filters),
    }
    return render(request, "opportunities/list.html", context)


@require_GET
def opportunity_list_totals(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The list's totals row, loaded by the page once shown: summing every matching deal of a
    director's tens of thousands takes longer than the page's 50 rows."""
    filter_form = OpportunityFilterForm(_filter_data(request.GET), user=request.user)
    filtered = opportunities_filtered(request.user, filter_form.filters(), as_id_sets=True)
    return render(
        request, "opportunities/list.html#totals", {"totals": opportunities_totals(filtered)}
    )


def _filter_data(query: QueryDict) -> QueryDict | None:
    # `?reset=1` alone means "all opportunities", not the saved default view.
    return query if any(key not in {"reset", "page"} for key in query) else None


def export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    user = request.user
    if not export_allowed(user):
        raise PermissionDenied
    filter_form = OpportunityFilterForm(_filter_data(request.GET), user=user)
    queryset = opportunities_list(user, filter_form.filters(), filter_form.sort_value())

    # Plain values and labels looked up once: instances with four related rows each and
    # get_FOO_display() took most of the time of a large export (a director's 40k deals: 7 s).
    def rows() -> Iterator[list[Any]]:
        forecasts, intents = choice_labels(ForecastCategory), choice_labels(IntentClass)
        projects = choice_labels(ProjectClass)
        values = queryset.values_list(
            "number", "name", "account__name", "owner__display_name", "owner__username",
            "stage__name_zh", "stage__name_en", "amount", "expected_sign_date", "probability",
            "forecast_category", "intent_class", "project_class", "updated_at",
        )  # fmt: skip
        for (
            number, name, account_name, owner_name, owner_login, stage_zh, stage_en, amount,
            sign_date, probability, forecast, intent, project, updated_at,
        ) in values.iterator(chunk_size=2000):  # fmt: skip
            yield [
                number, name, account_name, owner_name or owner_login or "",
                localised(stage_zh, stage_en), amount, weighted(amount, probability), sign_date,
                probability, forecasts.get(forecast, forecast), intents.get(intent, intent),
                projects.get(project, project), updated_at,
            ]  # fmt: skip

    return export_response(
        user=user,
        what=_("商机"),
        filename="opportunities",
        headers=[str(label) for _key, label in HEADERS],
        rows=rows(),
        file_format="csv" if request.GET.get("format") == "csv" else "xlsx",
        filters=view_query(request.GET),
    )


# ---- create / edit --------------------------------------------------------------------------


def _products() -> list[Product]:
    return list(Product.objects.filter(active=True).order_by("code"))


def _form_page(
    request: AuthenticatedHttpRequest,
    form: OpportunityForm,
    rows: list[LineRow],
    *,
    account: Any,
    opportunity: Opportunity | None,
    line_errors: list[str] | None = None,
    status: int = 200,
    override: bool = False,
) -> HttpResponse:
    # Two empty rows to type into; the "add row" button clones the template row.
    context = {
        "form": form,
        "account": account,
        "opportunity": opportunity,
        "line_rows": [*rows, LineRow(), LineRow()] if len(rows) < 2 else [*rows, LineRow()],
        "products": _products(),
        "line_errors": line_errors or [],
        "override": override,
    }
    return render(request, "opportunities/form.html", context, status=status)


def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    raw = request.POST.get("account") or request.GET.get("account") or ""
    if not raw.isdigit():
        messages.error(request, _("请从客户页面新建商机。"))
        return redirect("accounts:list")
    account = account_get_visible(request.user, int(raw))
    # Who reads the account but does not own it asks for a creation override instead.
    override = not account_can_edit(request.user, account)
    form = OpportunityForm(request.POST or None, user=request.user)
    rows = line_rows_from_post(request.POST) if request.method == "POST" else []
    line_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        create = opportunity_create_request if override else opportunity_create
        try:
            created = create(
                account=account, actor=request.user, data=form.changes(),
                lines=[row.as_input() for row in rows], process=form.cleaned_data["process"],
            )  # fmt: skip
        except ValidationError as error:
            line_errors = _split_line_errors(form, error)
        else:
            if override:
                messages.success(request, _("商机创建特批已提交，审批通过后商机自动创建。"))
            else:
                messages.success(request, _("商机已创建。"))
            return redirect(created)
    status = 422 if request.method == "POST" else 200
    return _form_page(
        request, form, rows, account=account, opportunity=None, line_errors=line_errors,
        status=status, override=override,
    )  # fmt: skip


def _split_line_errors(form: OpportunityForm, error: ValidationError) -> list[str]:
    """Line errors ("第 2 行：…") go above the line editor; the rest onto their fields."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return []
    line_errors = [m for item in error.error_dict.pop("lines", []) for m in item.messages]
    if error.error_dict:
        form_add_service_errors(form, error)
    return line_errors


def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_get_visible(request.user, pk)
    if not opportunity_can_edit(request.user, opportunity):
        raise PermissionDenied
    if opportunity.is_closed:
        messages.error(request, _("商机已关闭，不能再修改；如需继续跟进请先重新打开。"))
        return redirect(opportunity)
    form = OpportunityForm(
        request.POST or None,
        user=request.user,
        opportunity=opportunity,
        initial=OpportunityForm.initial_for(opportunity),
    )
    if request.method != "POST":
        rows = line_rows_from_lines(opportunity_lines(opportunity))
        return _form_page(request, form, rows, account=opportunity.account, opportunity=opportunity)
    rows = line_rows_from_post(request.POST)
    line_errors: list[str] = []
    if form.is_valid():
        version = form.cleaned_data["version"]
        try:
            if version is None:
                raise ValidationError(STALE_MESSAGE)
            opportunity_edit(
                opportunity=opportunity, actor=request.user, version=version,
                changes=form.changes(), lines=[row.as_input() for row in rows],
            )  # fmt: skip
        except ValidationError as error:
            line_errors = _split_line_errors(form, error)
        else:
            messages.success(request, _("商机已保存。"))
            return redirect(opportunity)
    return _form_page(
        request, form, rows, account=opportunity.account, opportunity=opportunity,
        line_errors=line_errors, status=422,
    )  # fmt: skip


# ---- detail and the stage move --------------------------------------------------------------


def _panel_urls(opportunity: Opportunity) -> list[dict[str, Any]]:
    sections = []
    for panel in panels():
        try:
            url = reverse(panel.url_name, args=[opportunity.pk])
        except NoReverseMatch:
            continue  # an app registered a panel whose URLs are not installed
        sections.append({"key": panel.key, "label": panel.label, "url": url})
    return sections


def _move_form(
    request: AuthenticatedHttpRequest, opportunity: Opportunity, data: Any = None
) -> MoveForm | None:
    user = request.user
    if not opportunity_can_edit(user, opportunity):
        return None
    if opportunity.is_closed and not gate_bypass_allowed(user):
        return None
    targets = opportunity_move_targets(opportunity)
    if opportunity.is_closed:
        # Reopening is an administrator's backward move to an open stage.
        targets = [stage for stage in targets if stage.kind == StageKind.OPEN]
    return MoveForm(
        data,
        targets=targets,
        can_bypass=gate_bypass_allowed(user),
        initial={"version": opportunity.version},
    )


def _detail(
    request: AuthenticatedHttpRequest,
    opportunity: Opportunity,
    *,
    move_form: MoveForm | None = None,
    refused: list[Missing] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    can_edit = opportunity_can_edit(user, opportunity)
    stage = opportunity.stage
    open_stages = opportunity_open_stages(opportunity)
    gate_items: list[Any] = []
    if stage.kind == StageKind.OPEN:
        gate_items = opportunity_gate_checklist(
            opportunity, stage, user, stage_gate_missing(opportunity, stage)
        )
    next_stage = next((s for s in open_stages if s.order > stage.order), None)
    team = opportunity_team(opportunity)
    roles = {member.role for member in team}
    lines = opportunity_lines(opportunity)
    context = {
        "opportunity": opportunity,
        "can_edit": can_edit and not opportunity.is_closed,
        "can_contribute": opportunity_can_contribute(user, opportunity)
        and not opportunity.is_closed,
        "badges": badges_for([opportunity.pk]).get(opportunity.pk, []),
        "open_stages": open_stages,
        "lines": lines,
        "competitors": opportunity_competitors(opportunity),
        "competitor_form": CompetitorForm(),
        "team": team,
        "missing_roles": [
            TeamRole(role).label
            for role in (opportunity.stage.team_roles or IRON_TRIANGLE)
            if role in TeamRole.values and role not in roles
        ],
        "member_form": TeamMemberForm() if can_edit and not opportunity.is_closed else None,
        "gate_items": gate_items,
        "next_stage": next_stage,
        "move_form": move_form or _move_form(request, opportunity),
        "refused": refused or [],
        "stage_moves": opportunity_stage_moves(opportunity),
        "field_changes": field_changes_for(opportunity, limit=50),
        "panels": _panel_urls(opportunity),
    }
    return render(request, "opportunities/detail.html", context, status=status)


def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, opportunity_get_visible(request.user, pk))


@require_POST
def move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_get_visible(request.user, pk)
    form = _move_form(request, opportunity, request.POST)
    if form is None:
        raise PermissionDenied
    if not form.is_valid():
        return _detail(request, opportunity, move_form=form, status=422)
    data = form.cleaned_data
    try:
        opportunity_move(
            opportunity=opportunity, to_stage=data["to_stage"], actor=request.user,
            version=data["version"], bypass_reason=data.get("bypass_reason") or "",
            close_reason=data["close_reason"], close_note=data["close_note"],
        )  # fmt: skip
    except GateRefused as refusal:
        form.add_error(None, _("不能推进到该阶段，还缺少以下各项。"))
        return _detail(request, opportunity, move_form=form, refused=refusal.missing, status=422)
    except ValidationError as error:
        form_add_service_errors(form, error)
        return _detail(request, opportunity, move_form=form, status=422)
    messages.success(request, _("商机已进入“%(stage)s”阶段。") % {"stage": data["to_stage"]})
    return redirect(opportunity)
