"""Input for the pool pages: filters, release, assignment, and the pool configuration."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.accounts.enums import PROVINCE_CHOICES, Grade, Industry
from kam.pools.enums import RecallTrigger
from kam.pools.models import Pool
from kam.users.models import Team, User

STATE_CHOICES = [("", _("全部")), ("free", _("无人负责")), ("lapsed", _("保护期已过"))]


def _all(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("全部")), *choices]


class PoolFilterForm(forms.Form):
    q = forms.CharField(label=_("客户名称"), required=False, max_length=100)
    industry = forms.ChoiceField(label=_("行业"), required=False, choices=_all(Industry.choices))
    province = forms.ChoiceField(label=_("省份"), required=False, choices=_all(PROVINCE_CHOICES))
    grade = forms.ChoiceField(label=_("客户分级"), required=False, choices=_all(Grade.choices))
    state = forms.ChoiceField(label=_("来源"), required=False, choices=STATE_CHOICES)

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {name: self.cleaned_data[name] for name in self.fields}


class ReleaseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = forms.CharField(label=_("释放原因"), max_length=200)


class AssignForm(forms.Form):
    to_user = forms.ModelChoiceField(label=_("分配给"), queryset=User.objects.none())
    reason = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = users  # type: ignore[attr-defined]


def rule_field_name(grade: str, trigger: str) -> str:
    return f"rule_{grade}_{trigger}"


class PoolForm(forms.ModelForm):
    """The pool's settings plus a grid of recall rules: one optional day count per grade and
    trigger (blank: that trigger does not apply to that grade)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    industries = forms.MultipleChoiceField(
        label=_("行业"), required=False, choices=Industry.choices,
        widget=forms.CheckboxSelectMultiple, help_text=_("不选表示所有行业。"),
    )  # fmt: skip
    provinces = forms.MultipleChoiceField(
        label=_("省份"), required=False, choices=PROVINCE_CHOICES,
        widget=forms.CheckboxSelectMultiple, help_text=_("不选表示所有省份。"),
    )  # fmt: skip
    teams = forms.ModelMultipleChoiceField(
        label=_("可领取的团队"), required=False, queryset=Team.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple, help_text=_("不选表示所有销售团队。"),
    )  # fmt: skip

    class Meta:
        model = Pool
        fields = [
            "name", "description", "priority", "active", "protection_days", "warn_days",
            "max_owned", "max_claims_per_day", "reclaim_lockout_days",
        ]  # fmt: skip

    def __init__(self, *args: Any, rules: list[tuple[str, str, int]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = {(grade, trigger): days for grade, trigger, days in rules}
        for grade in Grade.values:
            for trigger in RecallTrigger.values:
                name = rule_field_name(grade, trigger)
                self.fields[name] = forms.IntegerField(
                    label=f"{grade} · {RecallTrigger(trigger).label}",
                    required=False, min_value=1, max_value=3650,
                    initial=current.get((grade, trigger)),
                )  # fmt: skip
        if self.instance.pk:
            self.fields["industries"].initial = self.instance.industries
            self.fields["provinces"].initial = self.instance.provinces
            self.fields["teams"].initial = list(self.instance.teams.all())
            self.fields["version"].initial = self.instance.version

    def rule_grid(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (
                str(Grade(grade).label),
                [self[rule_field_name(grade, trigger)] for trigger in RecallTrigger.values],
            )
            for grade in Grade.values
        ]

    def pool_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {name: data[name] for name in self.Meta.fields}
        values["industries"] = list(data["industries"])
        values["provinces"] = list(data["provinces"])
        return values

    def rules(self) -> list[tuple[str, str, int]]:
        return [
            (grade, trigger, self.cleaned_data[rule_field_name(grade, trigger)])
            for grade in Grade.values
            for trigger in RecallTrigger.values
            if self.cleaned_data.get(rule_field_name(grade, trigger))
        ]
