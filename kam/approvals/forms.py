"""Input parsing for the approval pages (the API parses with schemas.py)."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.approvals.enums import ApprovalStatus, ApproverRule
from kam.approvals.registry import ChainRule, approval_types
from kam.users.enums import Role
from kam.users.models import User
from kam.users.selectors import users_active


def type_choices() -> list[tuple[str, str]]:
    return [(t.code, str(t.label)) for t in approval_types()]


class InboxFilterForm(forms.Form):
    """The inbox filters (GET). Invalid values are ignored rather than shown as errors."""

    type = forms.ChoiceField(label=_("审批类型"), required=False)
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部")), *ApprovalStatus.choices], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("全部")), *type_choices()]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, str]:
        if not self.is_bound or not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class DecisionForm(forms.Form):
    """Approve / reject / return / withdraw: the version the page was based on and a comment."""

    comment = forms.CharField(
        label=_("审批意见"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("驳回或退回时必填。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ResubmitForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    amount = forms.DecimalField(
        label=_("金额（元）"), max_digits=16, decimal_places=2, min_value=0, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ChainRowForm(forms.Form):
    rule = forms.ChoiceField(label=_("审批人规则"), choices=ApproverRule.choices)
    role = forms.ChoiceField(
        label=_("角色"), choices=[("", "---------"), *Role.choices], required=False
    )
    user = forms.ModelChoiceField(
        queryset=User.objects.none(), label=_("指定审批人"), required=False
    )
    min_amount = forms.DecimalField(
        label=_("金额不低于"),
        max_digits=16,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        help_text=_("留空：所有金额都需要这一级审批。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users_active()  # type: ignore[attr-defined]

    def chain_rule(self) -> ChainRule:
        data = self.cleaned_data
        user = data.get("user")
        return ChainRule(
            rule=data["rule"],
            role=data.get("role") or "",
            user_id=user.pk if user is not None else None,
            min_amount=data.get("min_amount"),
        )


ChainFormSet = forms.formset_factory(ChainRowForm, extra=0)
CHAIN_PREFIX = "rows"


def chain_initial(rules: list[ChainRule]) -> list[dict[str, Any]]:
    return [
        {"rule": r.rule, "role": r.role, "user": r.user_id, "min_amount": r.min_amount}
        for r in rules
    ]


def chain_rows_from_post(data: Any) -> list[dict[str, Any]]:
    """The rows as posted, unvalidated: the up/down/add/remove buttons only rearrange them."""
    try:
        total = int(data.get(f"{CHAIN_PREFIX}-TOTAL_FORMS", 0))
    except ValueError:
        total = 0
    rows = []
    for index in range(min(total, 50)):
        prefix = f"{CHAIN_PREFIX}-{index}-"
        rows.append(
            {name: data.get(prefix + name, "") for name in ("rule", "role", "user", "min_amount")}
        )
    return rows
