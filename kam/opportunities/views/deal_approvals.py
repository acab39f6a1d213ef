"""The deal's approvals panel: every approval about this opportunity, and the form to ask for
an upgrade, an E-class registration or one of the plans (SPEC R-APR-1)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kam.approvals.selectors import approvals_for_opportunity
from kam.core.forms import form_add_service_errors
from kam.core.http import AuthenticatedHttpRequest
from kam.opportunities.deal_approvals import deal_approval_request, deal_request_types
from kam.opportunities.enums import IntentClass, ProjectClass
from kam.opportunities.models import Opportunity
from kam.opportunities.rules import opportunity_can_contribute
from kam.opportunities.selectors import opportunity_get_visible
from kam.users.models import User

PANEL_LIMIT = 20
CHANGE_FIELDS = ("project_class", "intent_class", "partner_name")


class DealApprovalForm(forms.Form):
    type_code = forms.ChoiceField(label=gettext_lazy("审批类型"))
    content = forms.CharField(
        label=gettext_lazy("计划内容或申请理由"), widget=forms.Textarea(attrs={"rows": 3})
    )
    amount = forms.DecimalField(
        label=gettext_lazy("涉及金额（元）"), required=False, max_digits=16, decimal_places=2,
        min_value=0,
    )  # fmt: skip
    project_class = forms.ChoiceField(
        label=gettext_lazy("升级后的项目分类"), required=False,
        choices=[("", "—"), *ProjectClass.choices],
    )  # fmt: skip
    intent_class = forms.ChoiceField(
        label=gettext_lazy("升级后的意向分类"), required=False,
        choices=[("", "—"), *IntentClass.choices],
    )  # fmt: skip
    partner_name = forms.CharField(
        label=gettext_lazy("报备的合作伙伴"), required=False, max_length=200
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type_code"].choices = deal_request_types()  # type: ignore[attr-defined]


def _context(user: User, opportunity: Opportunity, form: DealApprovalForm | None = None) -> dict:
    return {
        "opportunity": opportunity,
        "approvals": list(approvals_for_opportunity(opportunity)[:PANEL_LIMIT]),
        "can_request": opportunity_can_contribute(user, opportunity) and not opportunity.is_closed,
        "form": form or DealApprovalForm(),
    }


def _is_htmx(request: AuthenticatedHttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@require_GET
def approvals_panel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_get_visible(request.user, pk)
    return render(
        request, "opportunities/_approvals_panel.html", _context(request.user, opportunity)
    )


@require_POST
def approval_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_get_visible(request.user, pk)
    form = DealApprovalForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            deal_approval_request(
                opportunity=opportunity,
                actor=request.user,
                type_code=data["type_code"],
                content=data["content"],
                amount=data["amount"],
                changes={key: data[key] for key in CHANGE_FIELDS},
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            if _is_htmx(request):
                context = {**_context(request.user, opportunity), "submitted": True}
                return render(request, "opportunities/_approvals_panel.html", context)
            messages.success(request, _("审批已提交。"))
            return redirect(f"{opportunity.get_absolute_url()}#panel-approvals")
    context = _context(request.user, opportunity, form)
    # htmx swaps only 2xx answers; the form with its errors replaces the panel either way.
    status = 200 if _is_htmx(request) else 422
    return render(request, "opportunities/_approvals_panel.html", context, status=status)
