"""The stage move form of the opportunity page."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kam.opportunities.enums import CloseReason
from kam.opportunities.models import Stage


class TargetStageField(forms.ModelChoiceField):
    """A stage among `targets`, which the view has loaded already: no query to look it up."""

    targets: dict[str, Stage]

    def to_python(self, value: Any) -> Stage | None:
        if value in self.empty_values:
            return None
        stage = self.targets.get(str(value))
        if stage is None:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice",
                params={"value": value},
            )  # fmt: skip
        return stage


class MoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    to_stage = TargetStageField(queryset=Stage.objects.none(), label=_("目标阶段"))
    close_reason = forms.ChoiceField(
        label=_("赢单/输单原因"), choices=[("", "—"), *CloseReason.choices], required=False
    )
    close_note = forms.CharField(
        label=_("原因说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    bypass_reason = forms.CharField(
        label=_("越过关卡的原因"), max_length=300, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("仅管理员可用：填写后即使关卡未满足也会推进，并记为违规。"),
    )  # fmt: skip

    def __init__(self, *args: Any, targets: list[Stage], can_bypass: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(TargetStageField, self.fields["to_stage"])
        field.queryset = Stage.objects.filter(pk__in=[stage.pk for stage in targets]).order_by(
            "order"
        )
        field.targets = {str(stage.pk): stage for stage in targets}
        field.widget.attrs["data-close-kinds"] = ",".join(
            str(stage.pk) for stage in targets if stage.is_closed
        )
        if not can_bypass:
            del self.fields["bypass_reason"]
