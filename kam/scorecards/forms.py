from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.scorecards.enums import Capability, PeriodKind
from kam.scorecards.models import SCORE_FIELDS

SCORE_CHOICES = [("", "—"), *((n, str(n)) for n in range(1, 6))]


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=_("期间"), choices=PeriodKind.choices, required=False, initial=PeriodKind.MONTH
    )
    start = forms.DateField(
        label=_("开始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=_("结束日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def period_args(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "kind": data.get("period") or PeriodKind.MONTH,
            "start": data.get("start"),
            "end": data.get("end"),
        }


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(
        label=_("评估日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in SCORE_FIELDS:
            self.fields[name] = forms.TypedChoiceField(
                label=Capability(name).label, choices=SCORE_CHOICES, coerce=int
            )
            self.fields[f"{name}_note"] = forms.CharField(
                label=_("说明"), required=False, max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )  # fmt: skip

    def score_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[name], self[f"{name}_note"]) for name in SCORE_FIELDS]

    def service_data(self) -> dict[str, Any]:
        return {key: value for key, value in self.cleaned_data.items() if key != "assessed_on"}
