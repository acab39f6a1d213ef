"""Parsing only: the rules live in kam.presales.services so pages and the API agree."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kam.presales.enums import PresalesKind
from kam.presales.models import PresalesRequest
from kam.users.enums import Role
from kam.users.models import Team, User


class DateInput(forms.DateInput):
    input_type = "date"


class PresalesRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("支持类型"), choices=PresalesKind.choices)
    description = forms.CharField(label=_("需求说明"), widget=forms.Textarea)
    needed_from = forms.DateField(label=_("需要开始日期"), widget=DateInput)
    needed_to = forms.DateField(label=_("需要结束日期"), widget=DateInput)
    estimated_hours = forms.DecimalField(
        label=_("预计工时（小时）"),
        max_digits=8,
        decimal_places=1,
        help_text=_("以 0.5 小时为单位"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def service_data(self) -> dict[str, Any]:
        keys = ["kind", "description", "needed_from", "needed_to", "estimated_hours"]
        return {key: self.cleaned_data[key] for key in keys}


def request_initial(request: PresalesRequest) -> dict[str, Any]:
    return {
        "kind": request.kind, "description": request.description,
        "needed_from": request.needed_from, "needed_to": request.needed_to,
        "estimated_hours": request.estimated_hours, "version": request.version,
    }  # fmt: skip


def presales_people() -> QuerySet[User]:
    """Whom a dispatcher may pick: active users, pre-sales roles first."""
    return User.objects.filter(is_active=True).order_by("display_name", "pk")


class DispatchForm(forms.Form):
    users = forms.ModelMultipleChoiceField(
        label=_("售前人员"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["users"])
        field.queryset = presales_people().filter(
            role__in=[Role.SOLUTION_MANAGER, Role.LEAD_EXPERT, Role.DELIVERY_MANAGER]
        )


class HoursLogForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DateInput)
    hours = forms.DecimalField(label=_("工时（小时）"), max_digits=4, decimal_places=1)
    description = forms.CharField(label=_("工作内容"), max_length=300)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CostFilterForm(forms.Form):
    date_from = forms.DateField(label=_("开始日期"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("结束日期"), required=False, widget=DateInput)
    team = forms.ModelChoiceField(
        label=_("团队"), queryset=Team.objects.none(), required=False, empty_label=_("全部")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = Team.objects.order_by("name")

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "team_id": data["team"].pk if data.get("team") else None,
        }
