"""Pages for leads. Thin: parse → check → one service → render."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kam.core.forms import form_add_service_errors
from kam.core.http import AuthenticatedHttpRequest
from kam.core.pagination import page_number, paginate
from kam.leads.forms import (
    ConvertForm,
    DisqualifyForm,
    FollowUpForm,
    LeadFilterForm,
    LeadForm,
    lead_initial,
)
from kam.leads.models import BANT_KEYS, BANT_LABELS, Lead
from kam.leads.playbooks import playbook_for
from kam.leads.rules import lead_can_edit
from kam.leads.selectors import lead_follow_ups, lead_get_visible, lead_list
from kam.leads.services.conversion import lead_convert
from kam.leads.services.leads import (
    OPEN_STATUSES,
    lead_create,
    lead_disqualify,
    lead_follow_up_add,
    lead_update,
)
from kam.leads.services.override import lead_convert_override_request


def _editable(request: AuthenticatedHttpRequest, pk: int) -> Lead:
    lead = lead_get_visible(request.user, pk)
    if not lead_can_edit(request.user, lead):
        raise PermissionDenied(_("只有线索负责人及其上级可以修改线索。"))
    return lead


@require_GET
def lead_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    filter_form = LeadFilterForm(request.GET or None, user=request.user)
    filters = filter_form.filters()
    page = paginate(lead_list(request.user, filters), page_number(request.GET.get("page")))
    context = {
        "filter_form": filter_form,
        "page_obj": page,
        "filtered": any(filters.values()),
    }
    return render(request, "leads/list.html", context)


@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = LeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lead = lead_create(actor=request.user, data=form.service_data())
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("线索已创建。"))
            return redirect("leads:detail", lead.pk)
    return render(request, "leads/form.html", {"form": form, "lead": None})


@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    lead = _editable(request, pk)
    if request.method == "POST":
        form = LeadForm(request.POST)
        if form.is_valid():
            try:
                lead_update(
                    lead=lead,
                    actor=request.user,
                    version=form.cleaned_data["version"] or 0,
                    changes=form.service_data(),
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("线索已保存。"))
                return redirect("leads:detail", lead.pk)
    else:
        form = LeadForm(initial=lead_initial(lead))
    return render(request, "leads/form.html", {"form": form, "lead": lead})


def _render_detail(
    request: AuthenticatedHttpRequest, lead: Lead, status: int = 200, **forms_: Any
) -> HttpResponse:
    is_open = lead.status in OPEN_STATUSES
    can_edit = is_open and lead_can_edit(request.user, lead)
    context = {
        "lead": lead,
        "can_edit": can_edit,
        "bant": [
            {
                "key": key,
                "label": BANT_LABELS[key],
                "status": getattr(lead, key),
                "display": getattr(lead, f"get_{key}_display")(),
                "note": getattr(lead, f"{key}_note"),
            }
            for key in BANT_KEYS
        ],
        "bant_complete": not lead.bant_unconfirmed(),
        "follow_ups": lead_follow_ups(lead),
        "playbook": playbook_for(lead.scenario),
        "follow_up_form": forms_.get("follow_up_form") or FollowUpForm(),
        "convert_form": forms_.get("convert_form")
        or ConvertForm(initial={"version": lead.version}, lead=lead),
        "disqualify_form": forms_.get("disqualify_form")
        or DisqualifyForm(initial={"version": lead.version}),
    }
    return render(request, "leads/detail.html", context, status=status)


@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, lead_get_visible(request.user, pk))


@require_POST
def follow_up(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    lead = _editable(request, pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            lead_follow_up_add(lead=lead, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("跟进记录已保存。"))
            return redirect("leads:detail", lead.pk)
    return _render_detail(request, lead, 422, follow_up_form=form)


@require_POST
def disqualify(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    lead = _editable(request, pk)
    form = DisqualifyForm(request.POST)
    if form.is_valid():
        try:
            lead_disqualify(
                lead=lead,
                actor=request.user,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("线索已关闭。"))
            return redirect("leads:detail", lead.pk)
    return _render_detail(request, lead, 422, disqualify_form=form)


@require_POST
def convert(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Convert, or — when the override button was pressed — ask for the approval instead."""
    lead = _editable(request, pk)
    form = ConvertForm(request.POST, lead=lead)
    if form.is_valid():
        try:
            if "override" in request.POST:
                lead_convert_override_request(
                    lead=lead,
                    actor=request.user,
                    version=form.cleaned_data["version"],
                    data=form.service_data(),
                    reason=form.cleaned_data.get("reason", ""),
                )
            else:
                opportunity = lead_convert(
                    lead=lead,
                    actor=request.user,
                    version=form.cleaned_data["version"],
                    data=form.service_data(),
                )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            if "override" in request.POST:
                messages.success(request, _("特批申请已提交，审批通过后自动转化。"))
                return redirect("leads:detail", lead.pk)
            messages.success(request, _("线索已转化为商机。"))
            return redirect(reverse("opportunities:detail", args=[opportunity.pk]))
    return _render_detail(request, lead, 422, convert_form=form)
