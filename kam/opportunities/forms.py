"""Input parsing for the sales-process and opportunity pages; the services hold the rules."""

import re
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from kam.accounts.forms import UserChoiceField
from kam.opportunities.enums import (
    ForecastCategory,
    IntentClass,
    ProjectClass,
    TeamRole,
)
from kam.opportunities.models import Opportunity, OpportunityLine, SalesProcess, Stage
from kam.opportunities.selectors import (
    DEFAULT_OPPORTUNITY_SORT,
    LIST_SORTS,
    opportunity_owner_choices,
)
from kam.users.models import Team, User


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


# ---- opportunities ------------------------------------------------------------------------


def _all(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("全部")), *choices]


class StageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.process.display_name} · {obj.display_name}"


STATUS_CHOICES = [("open", _("进行中")), ("won", _("赢单")), ("lost", _("输单"))]


class OpportunityFilterForm(forms.Form):
    """The list's filters (GET). Invalid values are ignored rather than shown as errors."""

    q = forms.CharField(label=_("关键词"), required=False)
    process = forms.ModelChoiceField(
        queryset=SalesProcess.objects.all(), label=_("销售流程"), required=False,
        empty_label=_("全部"),
    )  # fmt: skip
    stage = StageChoiceField(
        queryset=Stage.objects.none(), label=_("阶段"), required=False, empty_label=_("全部")
    )
    status = forms.ChoiceField(label=_("状态"), choices=_all(STATUS_CHOICES), required=False)
    owner = UserChoiceField(
        queryset=User.objects.none(), label=_("负责人"), required=False, empty_label=_("全部")
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.all(), label=_("团队"), required=False, empty_label=_("全部")
    )
    forecast_category = forms.ChoiceField(
        label=_("预测类别"), choices=_all(ForecastCategory.choices), required=False
    )
    intent_class = forms.ChoiceField(
        label=_("意向分类"), choices=_all(IntentClass.choices), required=False
    )
    project_class = forms.ChoiceField(
        label=_("项目分类"), choices=_all(ProjectClass.choices), required=False
    )
    sign_from = forms.DateField(
        label=_("签约日期从"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sign_to = forms.DateField(
        label=_("签约日期至"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sort = forms.ChoiceField(
        choices=[(s, s) for key in LIST_SORTS for s in (key, f"-{key}")], required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = cast(forms.ModelChoiceField, self.fields["owner"])
        owner.queryset = opportunity_owner_choices(user)
        stage = cast(forms.ModelChoiceField, self.fields["stage"])
        stage.queryset = Stage.objects.select_related("process").order_by("process_id", "order")

    def filters(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {key: value for key, value in data.items() if value and key != "sort"}

    def sort_value(self) -> str:
        if not self.is_bound:
            return DEFAULT_OPPORTUNITY_SORT
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("sort") or DEFAULT_OPPORTUNITY_SORT


class OpportunityForm(forms.Form):
    """The opportunity's own fields on the create and edit pages; lines come from LineRows."""

    name = forms.CharField(label=_("商机名称"), max_length=200)
    process = forms.ModelChoiceField(
        queryset=SalesProcess.objects.filter(active=True), label=_("销售流程"),
        empty_label=None,
    )  # fmt: skip
    owner = UserChoiceField(queryset=User.objects.none(), label=_("负责人"), empty_label=None)
    expected_sign_date = forms.DateField(
        label=_("预计签约日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    intent_class = forms.ChoiceField(
        label=_("意向分类"), choices=[("", "—"), *IntentClass.choices], required=False
    )
    project_class = forms.ChoiceField(
        label=_("项目分类"), choices=[("", "—"), *ProjectClass.choices], required=False
    )
    partner_name = forms.CharField(
        label=_("报备合作伙伴"), max_length=200, required=False,
        help_text=_("E 类项目必填。"),
        widget=forms.TextInput(attrs={"data-partner-field": "1"}),
    )  # fmt: skip
    customer_lead = forms.CharField(label=_("客户方牵头人"), max_length=100, required=False)
    description = forms.CharField(
        label=_("项目概况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, user: User, opportunity: Opportunity | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        owner = cast(forms.ModelChoiceField, self.fields["owner"])
        owners = opportunity_owner_choices(user)
        if opportunity is not None:
            # The current owner stays selectable even when outside the editor's scope.
            owners = owners | User.objects.filter(pk=opportunity.owner_id)
            del self.fields["process"]
        owner.queryset = owners.distinct()
        if opportunity is None:
            default = SalesProcess.objects.filter(active=True, is_default=True).first()
            if default is not None and not self.is_bound:
                self.initial.setdefault("process", default.pk)
            self.initial.setdefault("owner", user.pk)

    @staticmethod
    def initial_for(opportunity: Opportunity) -> dict[str, Any]:
        return {
            "name": opportunity.name, "owner": opportunity.owner_id,
            "expected_sign_date": opportunity.expected_sign_date,
            "intent_class": opportunity.intent_class, "project_class": opportunity.project_class,
            "partner_name": opportunity.partner_name, "customer_lead": opportunity.customer_lead,
            "description": opportunity.description, "version": opportunity.version,
        }  # fmt: skip

    def changes(self) -> dict[str, Any]:
        """The editable fields as the services take them."""
        keys = ["name", "owner", "expected_sign_date", "intent_class", "project_class",
                "partner_name", "customer_lead", "description"]  # fmt: skip
        return {key: self.cleaned_data[key] for key in keys}


@dataclass
class LineRow:
    """One row of the line editor as typed; the service validates and computes it."""

    product: str = ""
    quantity: str = ""
    unit_price: str = ""
    discount_rate: str = ""
    description: str = ""

    def is_blank(self) -> bool:
        return not (self.product or self.quantity or self.unit_price or self.description)

    def as_input(self) -> dict[str, Any]:
        return {
            "product": int(self.product) if self.product.isdigit() else None,
            "quantity": self.quantity,
            "unit_price": self.unit_price or None,
            "discount_rate": self.discount_rate or "0",
            "description": self.description,
        }


LINE_KEYS = ("product", "quantity", "unit_price", "discount_rate", "description")
LINE_NAME = re.compile(r"^lines-(\d{1,3})-(\w+)$")


def line_rows_from_post(data: QueryDict) -> list[LineRow]:
    """The non-blank rows of the editor in page order (`lines-<n>-<field>`), so the service's
    row numbers ("第 2 行") are the rows the page shows when it is rendered again."""
    rows: dict[int, LineRow] = {}
    for name, value in data.items():
        match = LINE_NAME.match(name)
        if match and match.group(2) in LINE_KEYS:
            row = rows.setdefault(int(match.group(1)), LineRow())
            setattr(row, match.group(2), str(value).strip())
    return [rows[index] for index in sorted(rows) if not rows[index].is_blank()]


def line_rows_from_lines(lines: list[OpportunityLine]) -> list[LineRow]:
    return [
        LineRow(
            product=str(line.product_id),
            quantity=f"{line.quantity.normalize():f}",
            unit_price=f"{line.unit_price}",
            discount_rate=f"{line.discount_rate.normalize():f}",
            description=line.description,
        )
        for line in lines
    ]


class CompetitorForm(forms.Form):
    name = forms.CharField(label=_("竞争对手"), max_length=200)
    strengths = forms.CharField(
        label=_("优势"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    weaknesses = forms.CharField(
        label=_("劣势"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    relationship = forms.CharField(
        label=_("与客户的关系"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TeamMemberForm(forms.Form):
    user = UserChoiceField(
        queryset=User.objects.filter(is_active=True).select_related("team").order_by("username"),
        label=_("成员"),
    )
    role = forms.ChoiceField(label=_("角色"), choices=TeamRole.choices)


class GateForm(forms.Form):
    """A stage's exit gate; the choices come from the registries the service checks against."""

    required_fields = forms.MultipleChoiceField(
        label=_("必填字段"), required=False, widget=forms.CheckboxSelectMultiple
    )
    required_checks = forms.MultipleChoiceField(
        label=_("必做检查"), required=False, widget=forms.CheckboxSelectMultiple
    )
    required_approvals = forms.MultipleChoiceField(
        label=_("必审流程"), required=False, widget=forms.CheckboxSelectMultiple
    )
    team_roles = forms.MultipleChoiceField(
        label=_("本阶段的项目组角色"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=TeamRole.choices,
    )

    def __init__(
        self,
        *args: Any,
        fields: list[tuple[str, str]],
        checks: list[tuple[str, str]],
        approvals: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Codes already stored but no longer registered stay visible so they can be removed.
        for name, choices in (
            ("required_fields", fields),
            ("required_checks", checks),
            ("required_approvals", approvals),
        ):
            known = {code for code, _label in choices}
            stored = [(code, code) for code in self.initial.get(name, []) if code not in known]
            cast(forms.MultipleChoiceField, self.fields[name]).choices = [*choices, *stored]

    @staticmethod
    def initial_for(stage: Stage) -> dict[str, Any]:
        return {
            "required_fields": list(stage.required_fields),
            "required_checks": list(stage.required_checks),
            "required_approvals": list(stage.required_approvals),
            "team_roles": list(stage.team_roles),
        }


class AttestationForm(forms.Form):
    label_zh = forms.CharField(label=_("中文名称"), max_length=100)
    label_en = forms.CharField(label=_("英文名称"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("确认角色"), choices=TeamRole.choices)


class ViolationFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("从"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("至"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def dates(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}
