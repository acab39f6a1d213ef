from typing import Any

from django import forms
from django.contrib import admin

from kam.checklists.models import ChecklistTemplate, CollectionAlertSettings
from kam.contracts.enums import MilestoneKind


class ChecklistTemplateForm(forms.ModelForm):
    milestone_kinds = forms.MultipleChoiceField(
        label=ChecklistTemplate._meta.get_field("milestone_kinds").verbose_name,
        choices=MilestoneKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ChecklistTemplate
        fields = ["category", "label", "milestone_kinds", "needs_evidence", "lead_days",
                  "position", "active"]  # fmt: skip

    def clean_milestone_kinds(self) -> list[str]:
        kinds: list[Any] = self.cleaned_data["milestone_kinds"]
        return sorted(str(kind) for kind in kinds)


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    form = ChecklistTemplateForm
    list_display = ["label", "category", "needs_evidence", "lead_days", "position", "active"]
    list_filter = ["category", "active", "needs_evidence"]
    list_editable = ["position", "active"]


@admin.register(CollectionAlertSettings)
class CollectionAlertSettingsAdmin(admin.ModelAdmin):
    list_display = ["warn_days", "escalate_manager_days", "escalate_director_days", "updated_at"]
    readonly_fields = ["updated_by", "updated_at"]
