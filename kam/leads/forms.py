"""Page input for leads: parse and check shape; the services decide everything else."""

from typing import Any

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from kam.accounts.enums import PROVINCE_CHOICES, Industry, Level
from kam.accounts.models import Account
from kam.accounts.rules import owner_scope_ids
from kam.leads.enums import FollowUpKind, LeadSource, LeadStatus
from kam.leads.models import Lead
from kam.leads.services.leads import EDITABLE_FIELDS
from kam.opportunities.enums import IntentClass
from kam.users.models import User

FORM_FIELDS = [field for field in EDITABLE_FIELDS if field not in {"account", "owner"}]
FIELD_ORDER = [
    "company_name", "contact_name", "contact_title", "phone", "source", "scenario",
    "intent_class", "situation", "problem", "implication", "need_payoff",
    "budget", "budget_note", "authority", "authority_note", "need", "need_note",
    "timeline", "timeline_note",
]  # fmt: skip


def _all(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("全部")), *choices]


class LeadFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=_all(LeadStatus.choices))
    intent_class = forms.ChoiceField(
        label=_("意向分类"), required=False, choices=_all(IntentClass.choices)
    )
    source = forms.ChoiceField(label=_("来源"), required=False, choices=_all(LeadSource.choices))
    owner = forms.ModelChoiceField(
        label=_("负责人"), required=False, queryset=User.objects.none(), empty_label=_("全部")
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = User.objects.filter(is_active=True).order_by("display_name", "username")
        if not user.sees_everything:
            users = users.filter(pk__in=owner_scope_ids(user))
        self.fields["owner"].queryset = users  # type: ignore[attr-defined]

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "status": data["status"],
            "intent_class": data["intent_class"],
            "source": data["source"],
            "owner": str(data["owner"].pk) if data["owner"] else "",
        }


class LeadForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in fields_for_model(Lead, fields=FIELD_ORDER).items():
            if field is not None:
                self.fields[name] = field

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in FIELD_ORDER}


def lead_initial(lead: Lead) -> dict[str, Any]:
    return {"version": lead.version, **{name: getattr(lead, name) for name in FIELD_ORDER}}


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(label=_("方式"), choices=FollowUpKind.choices)
    content = forms.CharField(label=_("跟进内容"), widget=forms.Textarea(attrs={"rows": 3}))
    next_step = forms.CharField(label=_("下一步"), required=False, max_length=500)


class DisqualifyForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = forms.CharField(label=_("关闭原因"), max_length=500)


class ConvertForm(forms.Form):
    """Conversion input; the account part matters only for a lead without an account."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    account = forms.ModelChoiceField(
        label=_("关联已有客户"), required=False, queryset=Account.objects.none()
    )
    industry = forms.ChoiceField(
        label=_("行业（新建客户）"), required=False, choices=[("", "—"), *Industry.choices]
    )
    province = forms.ChoiceField(
        label=_("省份（新建客户）"), required=False, choices=[("", "—"), *PROVINCE_CHOICES]
    )
    level = forms.ChoiceField(
        label=_("客户层级（新建客户）"), required=False, choices=[("", "—"), *Level.choices]
    )
    name = forms.CharField(label=_("商机名称"), required=False, max_length=200)
    expected_sign_date = forms.DateField(
        label=_("预计签约日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(label=_("特批理由"), required=False, max_length=500)

    def __init__(self, *args: Any, lead: Lead, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if lead.account_id is not None:
            for name in ("account", "industry", "province", "level"):
                del self.fields[name]
        else:
            # The lead owner's own accounts: a short list, and ones the owner's line may edit.
            owned = Account.objects.filter(owner_id=lead.owner_id).order_by("name")
            self.fields["account"].queryset = owned  # type: ignore[attr-defined]
        if not lead.bant_unconfirmed():
            # Nothing to override once BANT is confirmed: the reason would only confuse.
            del self.fields["reason"]

    def service_data(self) -> dict[str, Any]:
        data = {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}
        data.pop("version", None)
        data.pop("reason", None)
        return data
