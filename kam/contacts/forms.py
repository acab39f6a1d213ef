"""Forms parse and type-check input; the business rules live in kam.contacts.services."""

import re
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from kam.accounts.models import Account
from kam.contacts.enums import (
    Attitude,
    ContactStatus,
    DecisionRole,
    GuideCostKind,
    GuideLevel,
    Influence,
)
from kam.contacts.models import Contact
from kam.contacts.services import CONTACT_FIELDS
from kam.users.enums import Role
from kam.users.models import User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Who can be "our executive" in an engagement plan (R-CON-5).
EXECUTIVE_ROLES = [Role.GENERAL_MANAGER, Role.SALES_DIRECTOR, Role.SALES_MANAGER, Role.LEAD_EXPERT]

SCORE_CHOICES = [
    (1, _("1 很低")),
    (2, _("2 较低")),
    (3, _("3 一般")),
    (4, _("4 较高")),
    (5, _("5 很高")),
]

# Mainland mobile (13812345678, +86 138 1234 5678) or landline (029-88886666, 010-12345678-123).
_PHONE_RE = re.compile(r"^(?:(?:\+?86)?1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?)$")


def normalize_phone(raw: str) -> str:
    return re.sub(r"[\s()（）]", "", raw)


def _date_input() -> forms.DateInput:
    # <input type="date"> only accepts ISO dates, whatever the language.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _score_field(label: "StrOrPromise") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=SCORE_CHOICES, coerce=int, initial=1)


class ContactForm(forms.ModelForm):
    """The profile form (R-CON-1..3). Bound without an instance so a failed edit never touches
    the record in memory; pass `initial=contact_initial(contact)` to edit."""

    closeness = _score_field(_("关系紧密度"))
    solution_acceptance = _score_field(_("方案认可度"))
    price_acceptance = _score_field(_("价格接受度"))
    guide_level = forms.TypedChoiceField(
        label=_("向导级别"), choices=GuideLevel.choices, coerce=int, initial=GuideLevel.NONE
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Contact
        fields = CONTACT_FIELDS
        widgets = {
            "background": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }

    def __init__(
        self, *args: Any, account: Account, contact: Contact | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.account = account
        people = Contact.objects.filter(account=account).only("id", "name", "title")
        if contact is not None:
            people = people.exclude(pk=contact.pk)
        reports_to = cast("forms.ModelChoiceField[Contact]", self.fields["reports_to"])
        reports_to.queryset = people.order_by("name")
        reports_to.empty_label = _("（无）")
        if contact is not None:
            self.fields["version"].required = True

    def clean_phone(self) -> str:
        phone = normalize_phone(self.cleaned_data.get("phone") or "")
        if phone and not _PHONE_RE.match(phone):
            raise forms.ValidationError(_("请输入有效的电话号码，如 13812345678 或 029-88886666。"))
        return phone

    def clean_name(self) -> str:
        name = (self.cleaned_data.get("name") or "").strip()
        if not name:
            raise forms.ValidationError(_("请填写姓名。"))
        return name

    def _post_clean(self) -> None:
        # Model-level checks (constraints) are the service's job; keep the form to parsing.
        pass

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in CONTACT_FIELDS}


def contact_initial(contact: Contact) -> dict[str, Any]:
    initial = model_to_dict(contact, fields=CONTACT_FIELDS)
    initial["version"] = contact.version
    return initial


class _AutoIdForm(forms.Form):
    """The detail page shows several small forms at once: give each its own element ids."""

    id_prefix = "form"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class ContactFilterForm(forms.Form):
    account = forms.CharField(label=_("客户"), required=False, max_length=100)
    q = forms.CharField(label=_("姓名/职务/部门"), required=False, max_length=100)
    decision_role = forms.ChoiceField(
        label=_("决策角色"), required=False, choices=[("", _("全部")), *DecisionRole.choices]
    )
    attitude = forms.ChoiceField(
        label=_("态度"), required=False, choices=[("", _("全部")), *Attitude.choices]
    )
    influence = forms.ChoiceField(
        label=_("影响力"), required=False, choices=[("", _("全部")), *Influence.choices]
    )
    guide_min = forms.TypedChoiceField(
        label=_("向导级别 ≥"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("全部")), (1, "1"), (2, "2"), (3, "3")],
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *ContactStatus.choices]
    )
    sort = forms.ChoiceField(
        label=_("排序"),
        required=False,
        choices=[
            ("name", _("姓名")),
            ("account", _("客户")),
            ("-last_contact", _("最近接触")),
            ("-closeness", _("关系紧密度")),
            ("-guide_level", _("向导级别")),
            ("-updated", _("最近更新")),
        ],
    )


class ScoreForm(_AutoIdForm):
    id_prefix = "score"

    closeness = _score_field(_("关系紧密度"))
    solution_acceptance = _score_field(_("方案认可度"))
    price_acceptance = _score_field(_("价格接受度"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class StatusForm(_AutoIdForm):
    id_prefix = "status"

    status = forms.ChoiceField(label=_("状态"), choices=ContactStatus.choices)
    note = forms.CharField(
        label=_("说明"),
        max_length=200,
        required=False,
        help_text=_("去向、接任者等，便于重建信任。"),
    )


class GuideCostForm(_AutoIdForm):
    id_prefix = "guide"

    kind = forms.ChoiceField(label=_("类型"), choices=GuideCostKind.choices)
    spent_on = forms.DateField(label=_("日期"), widget=_date_input())
    amount = forms.DecimalField(
        label=_("金额（元）"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    hours = forms.DecimalField(
        label=_("工时"), required=False, min_value=0, max_digits=7, decimal_places=1
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class EngagementPlanForm(_AutoIdForm):
    id_prefix = "plan"

    our_executive = forms.ModelChoiceField(
        label=_("我方高层"), queryset=User.objects.none(), empty_label=None
    )
    purpose = forms.CharField(label=_("目的"), max_length=200)
    cadence_days = forms.IntegerField(label=_("频率（天）"), min_value=1, max_value=366, initial=30)
    next_due = forms.DateField(label=_("下次接触"), widget=_date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        executive = cast("forms.ModelChoiceField[User]", self.fields["our_executive"])
        executive.queryset = User.objects.filter(is_active=True, role__in=EXECUTIVE_ROLES).order_by(
            "display_name", "pk"
        )


class EngagementTouchForm(_AutoIdForm):
    id_prefix = "touch"

    touched_on = forms.DateField(label=_("接触日期"), widget=_date_input())
    note = forms.CharField(label=_("说明"), max_length=300, required=False)
