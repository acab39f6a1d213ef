"""The three panels of the opportunity page (评估与策略, 项目决策链与风险, 行动计划).

Each URL returns its panel as an htmx fragment, or the panel on a page of its own when opened
directly. Every write re-renders the whole panel, so the coverage figure and red flags always
match the table beside them. Thin: parse → check → one service → render.
"""

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kam.assessments.forms import (
    ActionDoneForm,
    ActionItemForm,
    AssessmentForm,
    DealContactAddForm,
    DealContactForm,
    assessment_initial,
    deal_contact_initial,
)
from kam.assessments.models import ActionItem
from kam.assessments.risk import deal_risks
from kam.assessments.rules import assessment_can_edit, deal_work_can_edit
from kam.assessments.selectors import (
    action_item_get_visible,
    action_items_for,
    assessment_for,
    competitors_for,
    deal_contact_get_visible,
    deal_contacts_for,
    opportunity_get_visible,
)
from kam.assessments.services import (
    action_item_complete,
    action_item_create,
    action_item_delete,
    action_item_update,
    assessment_save,
    deal_contact_add,
    deal_contact_remove,
    deal_contact_update,
    deal_contacts_add_key_people,
)
from kam.contacts.selectors import user_today
from kam.core.http import AuthenticatedHttpRequest
from kam.opportunities.models import Opportunity


def _is_htmx(request: AuthenticatedHttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service error on its form field when the form shows one; the rest (the hidden version
    field's conflict message included) at the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        visible = field in form.fields and not form.fields[field].widget.is_hidden
        form.add_error(field if visible else None, messages)


def _opportunity_url(opportunity: Opportunity) -> str:
    # The opportunity page is another app's; until it exists the breadcrumb stays plain text.
    try:
        return opportunity.get_absolute_url()
    except NoReverseMatch:
        return ""


def _render(
    request: AuthenticatedHttpRequest, template: str, context: dict[str, Any]
) -> HttpResponse:
    opportunity = context["opportunity"]
    if _is_htmx(request):
        return render(request, template, context)
    page = {
        **context,
        "panel_template": template,
        "opportunity_url": _opportunity_url(opportunity),
    }
    return render(request, "assessments/page.html", page)


def _done(request: AuthenticatedHttpRequest, url_name: str, opportunity: Opportunity) -> Any:
    """After a successful write: the fresh panel for htmx, a redirect for a plain form post."""
    if _is_htmx(request):
        return None
    return redirect(reverse(url_name, args=[opportunity.pk]))


def _refusal(*submitted: forms.BaseForm | None) -> str:
    """Why a write was refused when the panel no longer shows its form (the deal closed)."""
    return " ".join(
        str(e) for form in submitted if form is not None for e in form.non_field_errors()
    )


def _forbid(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# ---- 评估与策略 ----------------------------------------------------------------------------------


def _assessment_context(
    request: AuthenticatedHttpRequest, opportunity: Opportunity, form: AssessmentForm | None = None
) -> dict[str, Any]:
    assessment = assessment_for(opportunity)
    can_edit = assessment_can_edit(request.user, opportunity) and not opportunity.is_closed
    if can_edit and form is None:
        form = AssessmentForm(initial=assessment_initial(assessment))
    return {
        "opportunity": opportunity,
        "assessment": assessment,
        "competitors": competitors_for(opportunity),
        "can_edit": can_edit,
        "form": form if can_edit else None,
        "error": "" if can_edit else _refusal(form),
    }


@require_http_methods(["GET", "POST"])
def assessment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_get_visible(request.user, pk)
    template = "assessments/assessment.html"
    if request.method == "GET":
        return _render(request, template, _assessment_context(request, opportunity))
    _forbid(assessment_can_edit(request.user, opportunity), _("你没有权限修改项目评估。"))
    form = AssessmentForm(request.POST)
    if form.is_valid():
        try:
            assessment_save(
                opportunity=opportunity,
                actor=request.user,
                version=form.cleaned_data["version"],
                data=form.service_data(),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if response := _done(request, "assessments:assessment", opportunity):
                return response
            context = _assessment_context(request, opportunity)
            context["saved"] = True
            return _render(request, template, context)
    return _render(request, template, _assessment_context(request, opportunity, form))


# ---- 项目决策链与风险 ----------------------------------------------------------------------------


def _chain_context(
    request: AuthenticatedHttpRequest,
    opportunity: Opportunity,
    *,
    editing: int | None = None,
    edit_form: DealContactForm | None = None,
    add_form: DealContactAddForm | None = None,
) -> dict[str, Any]:
    can_edit = deal_work_can_edit(request.user, opportunity) and not opportunity.is_closed
    people = deal_contacts_for(opportunity)
    if can_edit and editing is not None and edit_form is None:
        current = next((p for p in people if p.pk == editing), None)
        if current is not None:
            edit_form = DealContactForm(initial=deal_contact_initial(current))
    return {
        "opportunity": opportunity,
        "people": people,
        "risk": deal_risks([opportunity.pk])[opportunity.pk],
        "can_edit": can_edit,
        "editing": editing if can_edit else None,
        "edit_form": edit_form,
        "add_form": (add_form or DealContactAddForm(opportunity=opportunity)) if can_edit else None,
        "error": "" if can_edit else _refusal(add_form, edit_form),
    }


@require_GET
def chain(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_get_visible(request.user, pk)
    return _render(request, "assessments/chain.html", _chain_context(request, opportunity))


def _chain_editable(request: AuthenticatedHttpRequest, pk: int) -> Opportunity:
    opportunity = opportunity_get_visible(request.user, pk)
    _forbid(deal_work_can_edit(request.user, opportunity), _("你没有权限维护项目决策链。"))
    return opportunity


@require_POST
def chain_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opportunity = _chain_editable(request, pk)
    form: DealContactAddForm | None = DealContactAddForm(request.POST, opportunity=opportunity)
    if form is not None and form.is_valid():
        try:
            deal_contact_add(
                opportunity=opportunity, contact=form.cleaned_data["contact"], actor=request.user
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if response := _done(request, "assessments:chain", opportunity):
                return response
            form = None
    context = _chain_context(request, opportunity, add_form=form)
    return _render(request, "assessments/chain.html", context)


@require_POST
def chain_add_all(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opportunity = _chain_editable(request, pk)
    context_error = ""
    try:
        deal_contacts_add_key_people(opportunity=opportunity, actor=request.user)
    except ValidationError as error:
        context_error = " ".join(error.messages)
    else:
        if response := _done(request, "assessments:chain", opportunity):
            return response
    context = _chain_context(request, opportunity)
    context["error"] = context_error or context["error"]
    return _render(request, "assessments/chain.html", context)


@require_http_methods(["GET", "POST"])
def chain_edit(request: AuthenticatedHttpRequest, pk: int, dc_pk: int) -> HttpResponse:
    opportunity = _chain_editable(request, pk)
    deal_contact = deal_contact_get_visible(request.user, opportunity, dc_pk)
    form = None
    if request.method == "POST":
        form = DealContactForm(request.POST)
        if form.is_valid():
            try:
                deal_contact_update(
                    deal_contact=deal_contact,
                    actor=request.user,
                    version=form.cleaned_data["version"],
                    data=form.service_data(),
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                if response := _done(request, "assessments:chain", opportunity):
                    return response
                context = _chain_context(request, opportunity)
                return _render(request, "assessments/chain.html", context)
    context = _chain_context(request, opportunity, editing=deal_contact.pk, edit_form=form)
    return _render(request, "assessments/chain.html", context)


@require_POST
def chain_remove(request: AuthenticatedHttpRequest, pk: int, dc_pk: int) -> HttpResponse:
    opportunity = _chain_editable(request, pk)
    deal_contact = deal_contact_get_visible(request.user, opportunity, dc_pk)
    deal_contact_remove(deal_contact=deal_contact, actor=request.user)
    if response := _done(request, "assessments:chain", opportunity):
        return response
    return _render(request, "assessments/chain.html", _chain_context(request, opportunity))


# ---- 行动计划 -----------------------------------------------------------------------------------


def _actions_context(
    request: AuthenticatedHttpRequest,
    opportunity: Opportunity,
    *,
    form: ActionItemForm | None = None,
    editing: int | None = None,
    edit_form: ActionItemForm | None = None,
    completing: int | None = None,
    done_form: ActionDoneForm | None = None,
) -> dict[str, Any]:
    can_edit = deal_work_can_edit(request.user, opportunity) and not opportunity.is_closed
    items = list(action_items_for(opportunity))
    if can_edit and editing is not None and edit_form is None:
        current = next((i for i in items if i.pk == editing), None)
        if current is not None:
            edit_form = ActionItemForm(
                initial=_action_initial(current),
                opportunity=opportunity,
                actor=request.user,
                item=current,
            )
    if can_edit and completing is not None and done_form is None:
        current = next((i for i in items if i.pk == completing), None)
        if current is not None:
            done_form = ActionDoneForm(initial={"version": current.version})
    if can_edit and form is None:
        form = ActionItemForm(
            initial={"owner": request.user.pk, "due_date": user_today(request.user)},
            opportunity=opportunity,
            actor=request.user,
        )
    return {
        "opportunity": opportunity,
        "items": items,
        "today": user_today(request.user),
        "can_edit": can_edit,
        "form": form if can_edit else None,
        "editing": editing if can_edit else None,
        "edit_form": edit_form,
        "completing": completing if can_edit else None,
        "done_form": done_form,
        "error": "" if can_edit else _refusal(form, edit_form, done_form),
    }


def _action_initial(item: ActionItem) -> dict[str, Any]:
    return {
        "title": item.title,
        "owner": item.owner_id,
        "due_date": item.due_date,
        "version": item.version,
    }


@require_http_methods(["GET", "POST"])
def actions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_get_visible(request.user, pk)
    template = "assessments/actions.html"
    if request.method == "GET":
        return _render(request, template, _actions_context(request, opportunity))
    _forbid(deal_work_can_edit(request.user, opportunity), _("你没有权限维护行动计划。"))
    form: ActionItemForm | None = ActionItemForm(
        request.POST, opportunity=opportunity, actor=request.user
    )
    if form is not None and form.is_valid():
        try:
            action_item_create(
                opportunity=opportunity, actor=request.user, data=form.service_data()
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if response := _done(request, "assessments:actions", opportunity):
                return response
            form = None
    return _render(request, template, _actions_context(request, opportunity, form=form))


def _action_editable(
    request: AuthenticatedHttpRequest, pk: int, item_pk: int
) -> tuple[Opportunity, ActionItem]:
    opportunity = opportunity_get_visible(request.user, pk)
    _forbid(deal_work_can_edit(request.user, opportunity), _("你没有权限维护行动计划。"))
    return opportunity, action_item_get_visible(request.user, opportunity, item_pk)


@require_http_methods(["GET", "POST"])
def action_edit(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    opportunity, item = _action_editable(request, pk, item_pk)
    template = "assessments/actions.html"
    edit_form = None
    if request.method == "POST":
        edit_form = ActionItemForm(
            request.POST, opportunity=opportunity, actor=request.user, item=item
        )
        if edit_form.is_valid():
            try:
                action_item_update(
                    item=item,
                    actor=request.user,
                    version=edit_form.cleaned_data["version"],
                    data=edit_form.service_data(),
                )
            except ValidationError as error:
                _apply_errors(edit_form, error)
            else:
                if response := _done(request, "assessments:actions", opportunity):
                    return response
                return _render(request, template, _actions_context(request, opportunity))
    context = _actions_context(request, opportunity, editing=item.pk, edit_form=edit_form)
    return _render(request, template, context)


@require_http_methods(["GET", "POST"])
def action_done(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    opportunity, item = _action_editable(request, pk, item_pk)
    template = "assessments/actions.html"
    done_form = None
    if request.method == "POST":
        done_form = ActionDoneForm(request.POST)
        if done_form.is_valid():
            try:
                action_item_complete(
                    item=item,
                    actor=request.user,
                    version=done_form.cleaned_data["version"],
                    result=done_form.cleaned_data["result"],
                )
            except ValidationError as error:
                _apply_errors(done_form, error)
            else:
                if response := _done(request, "assessments:actions", opportunity):
                    return response
                return _render(request, template, _actions_context(request, opportunity))
    context = _actions_context(request, opportunity, completing=item.pk, done_form=done_form)
    return _render(request, template, context)


@require_POST
def action_delete(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    opportunity, item = _action_editable(request, pk, item_pk)
    action_item_delete(item=item, actor=request.user)
    if response := _done(request, "assessments:actions", opportunity):
        return response
    return _render(request, "assessments/actions.html", _actions_context(request, opportunity))
