"""Page forms for billing: they parse input; the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.accounts.models import Account
from kam.billing.enums import TAX_RATES, InvoiceKind, ReceiptMethod
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
        self.fields["account"].queryset = Account.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["contract"].queryset = Contract.objects.select_related("account").order_by(  # type: ignore[attr-defined]
            "-pk"
        )

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
