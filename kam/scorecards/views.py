"""Scorecard pages: the team card, a rep's card with the capability profile, the assess form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kam.core.forms import form_add_service_errors
from kam.core.http import AuthenticatedHttpRequest
from kam.scorecards.enums import PeriodKind
from kam.scorecards.forms import AssessmentForm, PeriodForm
from kam.scorecards.rules import scorecard_can_assess, scorecard_sees_team
from kam.scorecards.selectors import (
    COLUMNS,
    Period,
    capability_history,
    capability_indicators,
    capability_radar_json,
    period_resolve,
    scorecard_rep,
    scorecard_rep_get,
    scorecard_team,
)
from kam.scorecards.services import capability_assess
from kam.users.models import User


def _period_form(request: AuthenticatedHttpRequest) -> PeriodForm:
    data = request.GET.copy()
    data.setdefault("period", PeriodKind.MONTH)
    return PeriodForm(data)


def _period(request: AuthenticatedHttpRequest, form: PeriodForm) -> tuple[Period, PeriodForm]:
    try:
        return period_resolve(viewer=request.user, **form.period_args()), form
    except ValidationError as error:
        form_add_service_errors(form, error)
        return period_resolve(viewer=request.user), form


@require_GET
def team(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not scorecard_sees_team(request.user):
        url = reverse("scorecards:rep", args=[request.user.pk])
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url)
    period, form = _period(request, _period_form(request))
    sort = request.GET.get("sort", "won_amount")
    descending = request.GET.get("dir", "desc") != "asc"
    card = scorecard_team(viewer=request.user, period=period, sort=sort, descending=descending)
    headers = []
    for key, label in COLUMNS.items():
        params = request.GET.copy()
        params.pop("page", None)
        params["sort"] = key
        params["dir"] = "asc" if key == sort and descending else "desc"
        headers.append(
            {"key": key, "label": label, "url": f"?{params.urlencode()}", "active": key == sort,
             "descending": descending}
        )  # fmt: skip
    context = {"card": card, "form": form, "period": period, "headers": headers}
    return render(request, "scorecards/team.html", context)


def _rep_page(
    request: AuthenticatedHttpRequest, rep: User, *, assess_form: AssessmentForm | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    period, form = _period(request, _period_form(request))
    history = list(capability_history(rep))
    can_assess = scorecard_can_assess(request.user, rep)
    context = {
        "rep": rep,
        "card": scorecard_rep(rep=rep, period=period),
        "period": period,
        "form": form,
        "history": history,
        "latest": history[0] if history else None,
        "radar_json": capability_radar_json(history) if history else "",
        "indicators": capability_indicators(rep),
        "can_assess": can_assess,
        "assess_form": (assess_form or AssessmentForm()) if can_assess else None,
        "sees_team": scorecard_sees_team(request.user),
    }
    return render(request, "scorecards/rep.html", context, status=status)


@require_GET
def rep_card(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _rep_page(request, scorecard_rep_get(request.user, pk))


@require_POST
def assess(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    rep = scorecard_rep_get(request.user, pk)
    if not scorecard_can_assess(request.user, rep):
        raise PermissionDenied
    form = AssessmentForm(request.POST)
    if form.is_valid():
        try:
            capability_assess(
                rep=rep, actor=request.user, assessed_on=form.cleaned_data["assessed_on"],
                data=form.service_data(),
            )  # fmt: skip
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("能力评估已保存。"))
            return redirect("scorecards:rep", pk=rep.pk)
    return _rep_page(request, rep, assess_form=form, status=422)
