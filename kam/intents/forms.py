from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.intents.models import IntentThresholds
from kam.intents.services import THRESHOLD_FIELDS, THRESHOLD_MAX
from kam.users.models import Team


class ThresholdsForm(forms.Form):
    a_days = forms.IntegerField(
        label=_("A 类：预计签约在几天内"), min_value=1, max_value=THRESHOLD_MAX
    )
    b_days = forms.IntegerField(
        label=_("B 类：预计签约在几天内"), min_value=1, max_value=THRESHOLD_MAX
    )
    c_days = forms.IntegerField(
        label=_("C 类：预计签约在几天内"), min_value=1, max_value=THRESHOLD_MAX
    )
    stale_a_days = forms.IntegerField(
        label=_("A 类停滞提醒（天）"), min_value=1, max_value=THRESHOLD_MAX
    )
    quiet_team_working_days = forms.IntegerField(
        label=_("团队无新增 A 类提醒（工作日）"), min_value=1, max_value=THRESHOLD_MAX
    )

    def __init__(self, *args: Any, disabled: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.disabled = disabled

    @staticmethod
    def initial_from(thresholds: IntentThresholds) -> dict[str, int]:
        return {name: getattr(thresholds, name) for name in THRESHOLD_FIELDS}

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in THRESHOLD_FIELDS}


class BoardFilterForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("团队"), queryset=Team.objects.none(), required=False, empty_label=_("全部团队")
    )

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]

    def chosen_team(self) -> Team | None:
        if self.is_valid():
            team: Team | None = self.cleaned_data.get("team")
            return team
        return None
