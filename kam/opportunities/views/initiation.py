"""Initiation report pages (立项报告, SPEC R-OPP-4): the panel on the deal page, the report page,
its form and the submit button. Thin adapters over kam.opportunities.initiation."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kam.accounts.rules import account_visibility_q
from kam.core.http import AuthenticatedHttpRequest
from kam.opportunities.enums import ProjectClass
from kam.opportunities.initiation import (
    REPORT_FIELDS,
    initiation_initial,
    initiation_latest_approval,
    initiation_report_for,
    initiation_report_save,
    initiation_submit,
)
from kam.opportunities.models import InitiationReport, Opportunity
from kam.opportunities.rules import opportunity_can_edit
from kam.users.models import User


class InitiationForm(forms.Form):
    """Parses the page input; the rules (ranges, states, permissions) live in the service."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    project_name = forms.CharField(label=gettext_lazy("项目名称"), max_length=200)
    project_number = forms.CharField(label=gettext_lazy("项目编号"), max_length=30)
    customer_lead = forms.CharField(
        label=gettext_lazy("客户方牵头人"), max_length=100, required=False
    )
    contract_amount = forms.DecimalField(
        label=gettext_lazy("预计合同金额（元）"), max_digits=16, decimal_places=2, min_value=0
    )
    gross_margin_rate = forms.DecimalField(
        label=gettext_lazy("预计毛利率（%）"), max_digits=5, decimal_places=2
    )
    expense_budget = forms.DecimalField(
        label=gettext_lazy("销售费用预算（元）"), max_digits=16, decimal_places=2, min_value=0
    )
    project_class = forms.ChoiceField(
        label=gettext_lazy("项目分类"),
        choices=[("", "—"), *ProjectClass.choices],
        required=False,
    )
    expected_sign_date = forms.DateField(
        label=gettext_lazy("预计签约日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    background = forms.CharField(
        label=gettext_lazy("项目背景及说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def data_for_service(self) -> dict[str, Any]:
        return {key: self.cleaned_data[key] for key in REPORT_FIELDS}


def _opportunity(user: User, pk: int) -> Opportunity:
    """The visible deal, or 404 — the report is exactly as visible as its deal."""
    return get_object_or_404(
        Opportunity.objects.filter(account_visibility_q(user, "account__")).select_related(
            "account", "owner", "stage"
        ),
        pk=pk,
    )


def _context(user: User, opportunity: Opportunity) -> dict[str, Any]:
    report = initiation_report_for(opportunity)
    can_edit = opportunity_can_edit(user, opportunity) and not opportunity.is_closed
    return {
        "opportunity": opportunity,
        "report": report,
        "approval": initiation_latest_approval(report) if report else None,
        "can_edit": can_edit and (report is None or report.editable),
    }


@require_GET
def initiation_panel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity(request.user, pk)
    return render(
        request,
        "opportunities/initiation_detail.html#panel",
        _context(request.user, opportunity),
    )


@require_GET
def initiation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity(request.user, pk)
    return render(
        request, "opportunities/initiation_detail.html", _context(request.user, opportunity)
    )


def _add_errors(form: InitiationForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, messages_ in error.message_dict.items():
        for message in messages_:
            # The version is a hidden field: its conflict message belongs at the top.
            target = key if key in form.fields and key != "version" else None
            form.add_error(target, message)


def initiation_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity(request.user, pk)
    if not opportunity_can_edit(request.user, opportunity):
        raise PermissionDenied
    report = initiation_report_for(opportunity)
    if request.method == "POST":
        form = InitiationForm(request.POST)
        if form.is_valid():
            try:
                initiation_report_save(
                    opportunity=opportunity,
                    actor=request.user,
                    version=form.cleaned_data["version"],
                    data=form.data_for_service(),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("立项报告已保存。"))
                return redirect("opportunities:initiation", pk=opportunity.pk)
        status = 422
    else:
        form = InitiationForm(initial=_initial(opportunity, report))
        status = 200
    context = {"opportunity": opportunity, "report": report, "form": form}
    return render(request, "opportunities/initiation_form.html", context, status=status)


def _initial(opportunity: Opportunity, report: InitiationReport | None) -> dict[str, Any]:
    if report is None:
        return {**initiation_initial(opportunity), "version": 0}
    return {
        **{key: getattr(report, key) for key in REPORT_FIELDS},
        "version": report.version,
    }


@require_POST
def initiation_submit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity(request.user, pk)
    report = initiation_report_for(opportunity)
    if report is None:
        messages.error(request, _("请先填写并保存立项报告。"))
        return redirect("opportunities:initiation_edit", pk=opportunity.pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        initiation_submit(report=report, actor=request.user, version=version)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("立项报告已提交审批。"))
    return redirect("opportunities:initiation", pk=opportunity.pk)
