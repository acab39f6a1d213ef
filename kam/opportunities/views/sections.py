"""Sections of the opportunity page that change in place: competitors (htmx partial), the deal
team and the manual attestations of the gate. Each action finds the opportunity through the
visible queryset first (404 otherwise) and leaves the rules to the services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.core.forms import form_add_service_errors
from kam.core.http import AuthenticatedHttpRequest
from kam.opportunities.forms import CompetitorForm, TeamMemberForm
from kam.opportunities.models import Opportunity, StageAttestation
from kam.opportunities.rules import opportunity_can_contribute
from kam.opportunities.selectors import (
    opportunity_competitor_get,
    opportunity_competitors,
    opportunity_get_visible,
    opportunity_member_get,
)
from kam.opportunities.services.opportunities import (
    competitor_add,
    competitor_delete,
    competitor_update,
    opportunity_attest,
    opportunity_team_add,
    opportunity_team_remove,
)


def _competitors(
    request: AuthenticatedHttpRequest,
    opportunity: Opportunity,
    *,
    form: CompetitorForm | None = None,
    editing: int | None = None,
    edit_form: CompetitorForm | None = None,
    status: int = 200,
) -> HttpResponse:
    htmx = request.headers.get("HX-Request") == "true"
    if not htmx and request.method == "POST" and status < 400:
        return redirect(opportunity)
    if htmx:
        status = 200  # htmx does not swap 4xx responses; the errors are in the fragment
    context = {
        "opportunity": opportunity,
        "competitors": opportunity_competitors(opportunity),
        "can_contribute": opportunity_can_contribute(request.user, opportunity)
        and not opportunity.is_closed,
        "competitor_form": form or CompetitorForm(),
        "editing": editing,
        "edit_form": edit_form,
    }
    return render(request, "opportunities/_competitors.html", context, status=status)


def _contributable(request: AuthenticatedHttpRequest, pk: int) -> Opportunity:
    opportunity = opportunity_get_visible(request.user, pk)
    if not opportunity_can_contribute(request.user, opportunity):
        raise PermissionDenied
    return opportunity


def competitors(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """htmx: the competitor section as it is now (after "cancel")."""
    return _competitors(request, opportunity_get_visible(request.user, pk))


@require_POST
def competitor_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opportunity = _contributable(request, pk)
    form = CompetitorForm(request.POST)
    if form.is_valid():
        try:
            competitor_add(opportunity=opportunity, actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            return _competitors(request, opportunity)
    return _competitors(request, opportunity, form=form, status=422)


def competitor_edit(request: AuthenticatedHttpRequest, pk: int, competitor_pk: int) -> HttpResponse:
    opportunity = _contributable(request, pk)
    competitor = opportunity_competitor_get(opportunity, competitor_pk)
    if request.method != "POST":
        initial = {k: getattr(competitor, k) for k in CompetitorForm.base_fields}
        return _competitors(
            request, opportunity, editing=competitor.pk, edit_form=CompetitorForm(initial=initial)
        )
    form = CompetitorForm(request.POST)
    if form.is_valid():
        try:
            competitor_update(competitor=competitor, actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            return _competitors(request, opportunity)
    return _competitors(request, opportunity, editing=competitor.pk, edit_form=form, status=422)


@require_POST
def competitor_remove(
    request: AuthenticatedHttpRequest, pk: int, competitor_pk: int
) -> HttpResponse:
    opportunity = _contributable(request, pk)
    competitor_delete(
        competitor=opportunity_competitor_get(opportunity, competitor_pk), actor=request.user
    )
    return _competitors(request, opportunity)


@require_POST
def member_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_get_visible(request.user, pk)
    form = TeamMemberForm(request.POST)
    if form.is_valid():
        try:
            opportunity_team_add(
                opportunity=opportunity, actor=request.user, user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
            )  # fmt: skip
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已加入项目组。"))
    else:
        messages.error(request, _("请选择成员和角色。"))
    return redirect(opportunity)


@require_POST
def member_remove(request: AuthenticatedHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    opportunity = opportunity_get_visible(request.user, pk)
    member = opportunity_member_get(opportunity, member_pk)
    try:
        opportunity_team_remove(member=member, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已移出项目组。"))
    return redirect(opportunity)


@require_POST
def attest(request: AuthenticatedHttpRequest, pk: int, attestation_pk: int) -> HttpResponse:
    opportunity = opportunity_get_visible(request.user, pk)
    attestation = get_object_or_404(
        StageAttestation.objects.select_related("stage"),
        pk=attestation_pk,
        stage__process_id=opportunity.process_id,
    )
    try:
        opportunity_attest(
            opportunity=opportunity, attestation=attestation, actor=request.user,
            note=request.POST.get("note", ""),
        )  # fmt: skip
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已确认“%(label)s”。") % {"label": attestation.label})
    return redirect(opportunity)
