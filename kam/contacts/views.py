"""Pages for key people and the decision chain. Thin: parse → check → one service → render."""

import json
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kam.accounts.models import Account
from kam.accounts.rules import account_can_edit
from kam.accounts.selectors import account_get_visible
from kam.audit.exports import export_allowed, export_response
from kam.audit.selectors import field_changes_for
from kam.contacts.enums import Attitude, ContactStatus, DecisionRole, Influence
from kam.contacts.forms import (
    ContactFilterForm,
    ContactForm,
    EngagementPlanForm,
    EngagementTouchForm,
    GuideCostForm,
    ScoreForm,
    StatusForm,
    contact_initial,
)
from kam.contacts.models import Contact
from kam.contacts.selectors import (
    contact_get_visible,
    contact_list,
    contacts_for_account,
    decision_chain,
    engagement_plan_get_visible,
    engagement_plans_for_contact,
    guide_cost_totals,
    guide_costs_for_contact,
    org_tree,
    score_history,
    score_series,
    user_today,
)
from kam.contacts.services import (
    contact_create,
    contact_mark_status,
    contact_update,
    contact_update_scores,
    engagement_plan_create,
    engagement_plan_deactivate,
    engagement_touch_record,
    guide_cost_add,
)
from kam.core.choices import choice_labels
from kam.core.forms import form_add_service_errors
from kam.core.http import AuthenticatedHttpRequest
from kam.core.pagination import page_number, paginate
from kam.users.saved_views import saved_views, view_query

LIST_KEY = "contacts"


def _is_htmx(request: AuthenticatedHttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _require_edit(request: AuthenticatedHttpRequest, account: Account) -> None:
    if not account_can_edit(request.user, account):
        raise PermissionDenied(_("你没有权限修改该客户的关键人。"))


def _list_filters(request: AuthenticatedHttpRequest) -> tuple[ContactFilterForm, dict[str, Any]]:
    filter_form = ContactFilterForm(request.GET or None)
    filters: dict[str, Any] = filter_form.cleaned_data if filter_form.is_valid() else {}
    return filter_form, filters


@require_GET
def contact_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    views = saved_views(request, LIST_KEY)
    if default := views.default_redirect():
        return default
    filter_form, filters = _list_filters(request)
    sort = filters.get("sort") or "name"
    page = paginate(contact_list(request.user, filters, sort), page_number(request.GET.get("page")))
    filtered = any(v not in (None, "") for k, v in filters.items() if k != "sort")
    context = {
        "filter_form": filter_form,
        "page_obj": page,
        "filtered": filtered,
        "can_export": export_allowed(request.user),
        "query_string": view_query(request.GET),
        **views.context(),
    }
    return render(request, "contacts/list.html", context)


_L = gettext_lazy
EXPORT_HEADERS = [
    _L("姓名"), _L("职务"), _L("部门"), _L("客户"), _L("决策角色"), _L("影响力"), _L("态度"),
    _L("关系紧密度"), _L("方案认可度"), _L("价格接受度"), _L("向导级别"), _L("状态"),
    _L("最近接触"),
]  # fmt: skip


@require_GET
def export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The list as a spreadsheet: the same filters and visibility as the page (R-SEC-2)."""
    if not export_allowed(request.user):
        raise PermissionDenied
    _form, filters = _list_filters(request)
    queryset = contact_list(request.user, filters, filters.get("sort") or "name")

    # Plain values and labels looked up once: instances and get_FOO_display() took most of
    # the time of a large export (a director's 112k people: 16.7 s).
    def rows() -> Iterator[list[Any]]:
        roles, influences = choice_labels(DecisionRole), choice_labels(Influence)
        attitudes, statuses = choice_labels(Attitude), choice_labels(ContactStatus)
        values = queryset.values_list(
            "name", "title", "department", "account__name", "decision_role", "influence",
            "attitude", "closeness", "solution_acceptance", "price_acceptance", "guide_level",
            "status", "last_contact_at",
        )  # fmt: skip
        for (
            name, title, department, account_name, role, influence, attitude, closeness,
            solution, price, guide_level, status, last_contact_at,
        ) in values.iterator(chunk_size=2000):  # fmt: skip
            yield [
                name, title, department, account_name, roles.get(role, role),
                influences.get(influence, influence), attitudes.get(attitude, attitude),
                closeness, solution, price, guide_level or "", statuses.get(status, status),
                last_contact_at,
            ]  # fmt: skip

    return export_response(
        user=request.user,
        what=_("关键人"),
        filename="contacts",
        headers=[str(h) for h in EXPORT_HEADERS],
        rows=rows(),
        file_format="csv" if request.GET.get("format") == "csv" else "xlsx",
        filters=view_query(request.GET),
    )


@require_GET
def for_account(request: AuthenticatedHttpRequest, account_pk: int) -> HttpResponse:
    """The org chart and decision chain of one account: an htmx fragment on the account page,
    or a page of its own when opened directly."""
    account = account_get_visible(request.user, account_pk)
    people = contacts_for_account(account)
    context = {
        "account": account,
        "can_edit": account_can_edit(request.user, account),
        "people": people,
        "tree": org_tree(people),
        "chain": decision_chain(people),
        "create_url": f"{reverse('contacts:create')}?account={account.pk}",
    }
    template = "contacts/for_account.html"
    if _is_htmx(request):
        template += "#people"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    raw_account = request.GET.get("account") or request.POST.get("account") or ""
    if not raw_account.isdigit():
        messages.info(request, _("请先打开客户，再在客户页面新增关键人。"))
        return redirect("accounts:list")
    account = account_get_visible(request.user, int(raw_account))
    _require_edit(request, account)
    form = ContactForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        try:
            contact = contact_create(account=account, actor=request.user, data=form.service_data())
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("已新增关键人 %(name)s。") % {"name": contact.name})
            return redirect(contact)
    return render(request, "contacts/form.html", {"form": form, "account": account})


@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = contact_get_visible(request.user, pk)
    _require_edit(request, contact.account)
    if request.method == "POST":
        form = ContactForm(request.POST, account=contact.account, contact=contact)
        if form.is_valid():
            try:
                contact_update(
                    contact=contact,
                    actor=request.user,
                    version=form.cleaned_data["version"],
                    data=form.service_data(),
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("关键人资料已保存。"))
                return redirect(contact)
    else:
        form = ContactForm(
            initial=contact_initial(contact), account=contact.account, contact=contact
        )
    return render(
        request,
        "contacts/form.html",
        {"form": form, "account": contact.account, "contact": contact},
    )


def _detail_context(
    request: AuthenticatedHttpRequest, contact: Contact, **forms_: forms.BaseForm
) -> dict[str, Any]:
    can_edit = account_can_edit(request.user, contact.account)
    history = score_history(contact)
    totals = guide_cost_totals([contact.pk])[contact.pk]
    today = user_today(request.user)
    plans = engagement_plans_for_contact(contact, today)
    context: dict[str, Any] = {
        "contact": contact,
        "account": contact.account,
        "can_edit": can_edit,
        "score_history": history,
        "score_history_recent": list(reversed(history))[:20],
        "score_series": json.dumps(score_series(history)),
        "score_legend": json.dumps(
            [_("关系紧密度"), _("方案认可度"), _("价格接受度")], ensure_ascii=False
        ),
        "guide_totals": totals,
        "guide_costs": guide_costs_for_contact(contact),
        "plans": plans,
        "field_changes": field_changes_for(contact),
        "today": today,
    }
    if can_edit:
        context.update(
            score_form=ScoreForm(
                initial={
                    "closeness": contact.closeness,
                    "solution_acceptance": contact.solution_acceptance,
                    "price_acceptance": contact.price_acceptance,
                }
            ),
            status_form=StatusForm(initial={"status": contact.status}),
            guide_form=GuideCostForm(initial={"spent_on": today}),
            plan_form=EngagementPlanForm(initial={"next_due": today}),
            touch_form=None,
            touch_form_plan=None,
        )
        context.update(forms_)
    return context


@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = contact_get_visible(request.user, pk)
    return render(request, "contacts/detail.html", _detail_context(request, contact))


def _editable_contact(request: AuthenticatedHttpRequest, pk: int) -> Contact:
    contact = contact_get_visible(request.user, pk)
    _require_edit(request, contact.account)
    return contact


def _render_detail(
    request: AuthenticatedHttpRequest, contact: Contact, **forms_: Any
) -> HttpResponse:
    return render(request, "contacts/detail.html", _detail_context(request, contact, **forms_))


@require_http_methods(["GET", "POST"])
def scores(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Quick score edit. htmx: swaps a decision-chain row for a form and back again."""
    contact = _editable_contact(request, pk)
    if request.method == "GET":
        if not _is_htmx(request):
            return redirect(contact)
        form = ScoreForm(
            initial={
                "closeness": contact.closeness,
                "solution_acceptance": contact.solution_acceptance,
                "price_acceptance": contact.price_acceptance,
            }
        )
        return render(
            request, "contacts/for_account.html#chain_form", {"person": contact, "form": form}
        )
    form = ScoreForm(request.POST)
    if form.is_valid():
        try:
            contact = contact_update_scores(
                contact=contact, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            if _is_htmx(request):
                return render(
                    request,
                    "contacts/for_account.html#chain_row",
                    {"person": contact, "can_edit": True},
                )
            messages.success(request, _("评分已更新。"))
            return redirect(contact)
    if _is_htmx(request):
        return render(
            request, "contacts/for_account.html#chain_form", {"person": contact, "form": form}
        )
    return _render_detail(request, contact, score_form=form)


@require_GET
def chain_row(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One decision-chain row (the htmx "cancel" of the inline score form)."""
    contact = contact_get_visible(request.user, pk)
    return render(
        request,
        "contacts/for_account.html#chain_row",
        {"person": contact, "can_edit": account_can_edit(request.user, contact.account)},
    )


@require_POST
def status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = _editable_contact(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            contact_mark_status(
                contact=contact,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("人员状态已更新。"))
            return redirect(contact)
    return _render_detail(request, contact, status_form=form)


@require_POST
def guide_cost(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = _editable_contact(request, pk)
    form = GuideCostForm(request.POST)
    if form.is_valid():
        try:
            guide_cost_add(contact=contact, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("向导投入已记录。"))
            return redirect(reverse("contacts:detail", args=[contact.pk]) + "#guide")
    return _render_detail(request, contact, guide_form=form)


@require_POST
def plan_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = _editable_contact(request, pk)
    form = EngagementPlanForm(request.POST)
    if form.is_valid():
        try:
            engagement_plan_create(contact=contact, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("高层维护计划已建立。"))
            return redirect(reverse("contacts:detail", args=[contact.pk]) + "#plans")
    return _render_detail(request, contact, plan_form=form)


@require_POST
def touch_record(request: AuthenticatedHttpRequest, plan_pk: int) -> HttpResponse:
    plan = engagement_plan_get_visible(request.user, plan_pk)
    contact = plan.contact
    _require_edit(request, contact.account)
    form = EngagementTouchForm(request.POST)
    if form.is_valid():
        try:
            engagement_touch_record(plan=plan, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("已记录本次接触。"))
            return redirect(reverse("contacts:detail", args=[contact.pk]) + "#plans")
    return _render_detail(request, contact, touch_form=form, touch_form_plan=plan.pk)


@require_POST
def plan_deactivate(request: AuthenticatedHttpRequest, plan_pk: int) -> HttpResponse:
    plan = engagement_plan_get_visible(request.user, plan_pk)
    _require_edit(request, plan.contact.account)
    engagement_plan_deactivate(plan=plan, actor=request.user)
    messages.success(request, _("维护计划已停止。"))
    return redirect(reverse("contacts:detail", args=[plan.contact_id]) + "#plans")
