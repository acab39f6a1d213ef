"""Pages for intent classes: the A-class board, the thresholds, the history fragments."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kam.core.forms import form_add_service_errors
from kam.core.http import AuthenticatedHttpRequest
from kam.intents.forms import BoardFilterForm, ThresholdsForm
from kam.intents.rules import thresholds_manageable_by
from kam.intents.selectors import (
    board_teams,
    intent_board,
    intent_contradicts,
    intent_history,
    intent_suggest,
    intent_thresholds,
)
from kam.intents.services import intent_thresholds_update
from kam.leads.selectors import lead_get_visible
from kam.opportunities.selectors import opportunity_get_visible


@require_GET
def board(request: AuthenticatedHttpRequest) -> HttpResponse:
    filter_form = BoardFilterForm(request.GET or None, teams=board_teams(request.user))
    team = filter_form.chosen_team()
    rows = intent_board(request.user, timezone.localdate(), team)
    context = {"filter_form": filter_form, "rows": rows, "filtered": team is not None}
    return render(request, "intents/board.html", context)


@require_http_methods(["GET", "POST"])
def thresholds(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = intent_thresholds()
    can_edit = thresholds_manageable_by(request.user)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("只有销售总监、总经理和管理员可以修改意向等级阈值。"))
        form = ThresholdsForm(request.POST)
        if form.is_valid():
            try:
                intent_thresholds_update(actor=request.user, values=form.service_data())
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("意向等级阈值已保存。"))
                return redirect("intents:thresholds")
    else:
        form = ThresholdsForm(initial=ThresholdsForm.initial_from(current), disabled=not can_edit)
    context = {"form": form, "thresholds": current, "can_edit": can_edit}
    return render(request, "intents/thresholds.html", context)


@require_GET
def opportunity_panel(request: AuthenticatedHttpRequest, opportunity_pk: int) -> HttpResponse:
    """The "意向等级" section of the opportunity page (htmx fragment): the class, the class
    the signing date suggests, the contradiction flag and the history."""
    opportunity = opportunity_get_visible(request.user, opportunity_pk)
    today, thresholds = timezone.localdate(), intent_thresholds()
    context = {
        "subject_class": opportunity.intent_class,
        "subject_label": opportunity.get_intent_class_display(),
        "suggested": intent_suggest(opportunity.expected_sign_date, today, thresholds),
        "contradicts": intent_contradicts(
            opportunity.intent_class, opportunity.expected_sign_date, today, thresholds
        ),
        "has_date": opportunity.expected_sign_date is not None,
        "changes": intent_history(opportunity=opportunity),
    }
    return render(request, "intents/panel.html#panel", context)


@require_GET
def lead_panel(request: AuthenticatedHttpRequest, lead_pk: int) -> HttpResponse:
    """The lead page's class history (htmx fragment); a lead has no signing date to check."""
    lead = lead_get_visible(request.user, lead_pk)
    context = {
        "subject_class": lead.intent_class,
        "subject_label": lead.get_intent_class_display(),
        "changes": intent_history(lead=lead),
    }
    return render(request, "intents/panel.html#panel", context)
