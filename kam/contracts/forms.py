"""Forms of the contract pages. They parse; the services decide."""

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kam.accounts.merging import accounts_editable_by
from kam.accounts.models import Account
from kam.accounts.pickers import account_picker
from kam.accounts.rules import owner_scope_ids
from kam.contracts.enums import ContractStatus
from kam.contracts.models import Contract
from kam.contracts.money import TEMPLATES
from kam.users.enums import Role
from kam.users.models import User


def _all(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("全部")), *choices]


class ContractFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=_all(ContractStatus.choices)
    )
    owner = forms.ModelChoiceField(
        label=_("负责人"), required=False, queryset=User.objects.none(), empty_label=_("全部")
    )
    account = forms.CharField(label=_("客户名称"), required=False, max_length=100)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = User.objects.filter(is_active=True).order_by("display_name", "username")
        # Finance sees every contract, so it may filter by any owner.
        if not (user.sees_everything or user.role == Role.FINANCE):
            users = users.filter(pk__in=owner_scope_ids(user))
        self.fields["owner"].queryset = users  # type: ignore[attr-defined]

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "status": data["status"],
            "owner": str(data["owner"].pk) if data["owner"] else "",
            "account": data["account"].strip(),
        }


class ContractForm(forms.Form):
    """Money travels as text: the service parses it to the fen."""

    name = forms.CharField(label=_("合同名称"), max_length=200)
    amount = forms.CharField(label=_("合同金额（元）"), max_length=20)
    warranty_months = forms.IntegerField(label=_("质保期（月）"), min_value=0, max_value=120)
    terms = forms.CharField(label=_("主要条款"), required=False, widget=forms.Textarea)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {key: data[key] for key in ("name", "amount", "warranty_months", "terms")}


class ContractCreateForm(ContractForm):
    account = forms.ModelChoiceField(label=_("客户"), queryset=Account.objects.none())
    field_order = ["account", "name", "amount", "warranty_months", "terms"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        account_picker(
            self, "account", accounts_editable_by(user), reverse("contracts:account_options")
        )


def contract_initial(contract: Contract) -> dict[str, Any]:
    return {
        "name": contract.name,
        "amount": f"{contract.amount:.2f}",
        "warranty_months": contract.warranty_months,
        "terms": contract.terms,
        "version": contract.version,
    }


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class TerminateForm(VersionForm):
    reason = forms.CharField(
        label=_("终止原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class SubmitForm(VersionForm):
    signed_on = forms.DateField(
        label=_("签订日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class EventForm(VersionForm):
    on = forms.DateField(
        label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("文件"))
    note = forms.CharField(label=_("说明"), required=False, max_length=200)


def template_choices() -> list[tuple[str, str]]:
    return [(code, code) for code in TEMPLATES]


PLAN_FIELDS = ("kind", "name", "percent", "amount", "trigger", "fixed_date", "due_days")


def _due_days(raw: str) -> int | str:
    raw = raw.strip()
    if not raw:
        return 0
    # An unreadable number stays text, so the service names the row that is wrong.
    return int(raw) if raw.isdigit() else raw


def plan_rows_from_post(data: Any) -> list[dict[str, Any]]:
    """The editor posts one list per column; a row is one index across them. Rows left
    completely empty are dropped."""
    columns = {field: data.getlist(field) for field in PLAN_FIELDS}
    count = max((len(values) for values in columns.values()), default=0)
    rows = []
    for index in range(count):
        raw = {
            field: (values[index] if index < len(values) else "").strip()
            for field, values in columns.items()
        }
        if not any(raw[field] for field in ("name", "percent", "amount", "fixed_date")):
            continue
        rows.append({**raw, "due_days": _due_days(raw["due_days"])})
    return rows
