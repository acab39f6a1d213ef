from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.opportunities.models import SalesProcess, Stage


class ProcessCreateForm(forms.Form):
    code = forms.SlugField(label=_("编码"), max_length=50)
    name_zh = forms.CharField(label=_("中文名称"), max_length=100)
    name_en = forms.CharField(label=_("英文名称"), max_length=100, required=False)
    description = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    copy_from = forms.ModelChoiceField(
        label=_("复制阶段自"), queryset=SalesProcess.objects.all(), required=False,
        empty_label=_("（最简：进行中/赢单/输单）"),
    )  # fmt: skip


class ProcessForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    name_zh = forms.CharField(label=_("中文名称"), max_length=100)
    name_en = forms.CharField(label=_("英文名称"), max_length=100, required=False)
    description = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    active = forms.BooleanField(label=_("启用"), required=False)

    @staticmethod
    def initial_for(process: SalesProcess) -> dict[str, Any]:
        return {
            "version": process.version, "name_zh": process.name_zh, "name_en": process.name_en,
            "description": process.description, "active": process.active,
        }  # fmt: skip


class StageForm(forms.Form):
    name_zh = forms.CharField(label=_("中文名称"), max_length=100)
    name_en = forms.CharField(label=_("英文名称"), max_length=100, required=False)
    default_probability = forms.IntegerField(label=_("默认赢率（%）"), min_value=0, max_value=100)
    key_milestone_zh = forms.CharField(label=_("关键节点"), required=False, max_length=500)

    @staticmethod
    def initial_for(stage: Stage) -> dict[str, Any]:
        return {
            "name_zh": stage.name_zh, "name_en": stage.name_en,
            "default_probability": stage.default_probability,
            "key_milestone_zh": stage.key_milestone_zh,
        }  # fmt: skip


class StageCreateForm(StageForm):
    code = forms.SlugField(label=_("编码"), max_length=50)
    field_order = ["code", "name_zh", "name_en", "default_probability", "key_milestone_zh"]
