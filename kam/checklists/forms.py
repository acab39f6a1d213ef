"""Forms of the checklist pages. They parse; the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.accounts.rules import owner_scope_ids
from kam.checklists.enums import ChecklistCategory, GapWindow
from kam.checklists.models import MAX_LEAD_DAYS, ChecklistTemplate, CollectionAlertSettings
from kam.checklists.services import LABEL_MAX, NOTE_MAX, SETTING_FIELDS, TEMPLATE_FIELDS
from kam.contracts.enums import MilestoneKind
from kam.users.enums import Role
from kam.users.models import User


class NoteForm(forms.Form):
    note = forms.CharField(label=_("备注"), required=False, max_length=NOTE_MAX)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("证据文件"))


class GapFilterForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("到期范围"), choices=GapWindow.choices, coerce=int, required=False,
        initial=GapWindow.FORTNIGHT,
    )  # fmt: skip
    owner = forms.ModelChoiceField(
        label=_("负责人"), required=False, queryset=User.objects.none(), empty_label=_("全部")
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = User.objects.filter(is_active=True).order_by("display_name", "username")
        # Finance sees every contract, so it may filter by any owner; a rep has only their own.
        if not (user.sees_everything or user.role == Role.FINANCE):
            scope = owner_scope_ids(user)
            if len(scope) <= 1:
                del self.fields["owner"]
                return
            users = users.filter(pk__in=scope)
        self.fields["owner"].queryset = users  # type: ignore[attr-defined]

    def chosen(self) -> tuple[int, int | None]:
        """(days ahead, owner id or None); the defaults when the input is unreadable."""
        if not self.is_valid():
            return GapWindow.FORTNIGHT, None
        owner = self.cleaned_data.get("owner")
        return self.cleaned_data["days"] or GapWindow.FORTNIGHT, owner.pk if owner else None


class AlertSettingsForm(forms.Form):
    warn_days = forms.IntegerField(
        label=_("到期前提醒（天）"), min_value=1, max_value=MAX_LEAD_DAYS
    )
    escalate_manager_days = forms.IntegerField(
        label=_("逾期升级至经理（天）"), min_value=1, max_value=MAX_LEAD_DAYS
    )
    escalate_director_days = forms.IntegerField(
        label=_("逾期升级至总监（天）"), min_value=1, max_value=MAX_LEAD_DAYS
    )

    def __init__(self, *args: Any, disabled: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.disabled = disabled

    @staticmethod
    def initial_from(row: CollectionAlertSettings) -> dict[str, int]:
        return {name: getattr(row, name) for name in SETTING_FIELDS}

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in SETTING_FIELDS}


class TemplateForm(forms.Form):
    category = forms.ChoiceField(label=_("类别"), choices=ChecklistCategory.choices)
    label = forms.CharField(label=_("事项"), max_length=LABEL_MAX)
    milestone_kinds = forms.MultipleChoiceField(
        label=_("适用款项"), choices=MilestoneKind.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("不选表示适用于所有款项。"),
    )  # fmt: skip
    needs_evidence = forms.BooleanField(label=_("需要证据文件"), required=False)
    lead_days = forms.IntegerField(label=_("提前天数"), min_value=0, max_value=MAX_LEAD_DAYS)
    position = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767, initial=0)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    @staticmethod
    def initial_from(template: ChecklistTemplate) -> dict[str, Any]:
        return {name: getattr(template, name) for name in TEMPLATE_FIELDS}

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in TEMPLATE_FIELDS}
