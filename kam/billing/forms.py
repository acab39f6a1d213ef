"""Page forms for billing: they parse input; the services decide."""

from typing import Any, cast

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kam.accounts.models import Account
from kam.accounts.pickers import account_picker
from kam.billing.enums import TAX_RATES, InvoiceKind, ReceiptMethod
from kam.billing.selectors import receipt_contract_options
from kam.contracts.models import Contract, PaymentMilestone


class ReceiptForm(forms.Form):
    account = forms.ModelChoiceField(label=_("客户"), queryset=Account.objects.none())
    contract = forms.ModelChoiceField(
        label=_("合同"), queryset=Contract.objects.none(), required=False,
        help_text=_("尚未确认对应哪份合同时可以留空，之后核销时再选节点。"),
    )  # fmt: skip
    amount = forms.CharField(label=_("回款金额（元）"), max_length=20)
    received_on = forms.DateField(
        label=_("到账日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    method = forms.ChoiceField(label=_("回款方式"), choices=ReceiptMethod.choices)
    payer_name = forms.CharField(label=_("付款方"), max_length=200, required=False)
    reference = forms.CharField(label=_("流水号/票据号"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Finance records receipts against any of 100k accounts and 50k contracts: the account
        # is searched for, and the contract select holds the chosen account's contracts,
        # refilled when the account changes (a select of every row took 6 s to render).
        account_id = account_picker(
            self, "account", Account.objects.all(), reverse("billing:receipt_accounts")
        )
        self.fields["account"].widget.attrs.update({
            "hx-get": reverse("billing:receipt_contracts"), "hx-trigger": "change",
            "hx-target": f"#{self['contract'].id_for_label}", "hx-swap": "innerHTML",
        })  # fmt: skip
        contract = cast(forms.ModelChoiceField, self.fields["contract"])
        contract.queryset = Contract.objects.all()
        contract.widget.choices = lambda: [
            ("", contract.empty_label),
            *receipt_contract_options(account_id),
        ]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("account")
        return data


class InvoiceForm(forms.Form):
    kind = forms.ChoiceField(label=_("发票类型"), choices=InvoiceKind.choices)
    number = forms.CharField(label=_("发票号码"), max_length=32)
    tax_rate = forms.ChoiceField(
        label=_("税率"), choices=[(str(rate), f"{rate}%") for rate in TAX_RATES]
    )
    amount_with_tax = forms.CharField(label=_("价税合计（元）"), max_length=20)
    issued_on = forms.DateField(
        label=_("开票日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class ReasonForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class AllocateForm(forms.Form):
    """One amount field per milestone still owed, named `m<pk>`; blank lines are skipped."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, milestones: list[PaymentMilestone], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for milestone in milestones:
            self.fields[f"m{milestone.pk}"] = forms.CharField(
                label=str(milestone), max_length=20, required=False
            )

    def lines(self) -> list[tuple[int, str]]:
        return [
            (int(name[1:]), value.strip())
            for name, value in self.cleaned_data.items()
            if name.startswith("m") and value and value.strip()
        ]
