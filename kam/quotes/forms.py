"""Parsing only: these turn a POST (or an API body) into typed values; kam.quotes.services
holds the rules, so the page and the API cannot drift apart."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.quotes.models import QuoteVersion

YES_NO = [("1", _("是")), ("0", _("否"))]


class QuoteTermsForm(forms.Form):
    valid_until = forms.DateField(
        label=_("有效期至"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    payment_terms = forms.CharField(
        label=_("付款条件"), required=False, max_length=4000, widget=forms.Textarea({"rows": 3})
    )
    delivery_terms = forms.CharField(
        label=_("交付条件"), required=False, max_length=4000, widget=forms.Textarea({"rows": 3})
    )
    notes = forms.CharField(
        label=_("备注"), required=False, max_length=4000, widget=forms.Textarea({"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, with_version: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_version:
            del self.fields["version"]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            key: data[key] for key in ("valid_until", "payment_terms", "delivery_terms", "notes")
        }


def quote_terms_initial(quote: QuoteVersion) -> dict[str, Any]:
    return {
        "valid_until": quote.valid_until, "payment_terms": quote.payment_terms,
        "delivery_terms": quote.delivery_terms, "notes": quote.notes, "version": quote.version,
    }  # fmt: skip


class VersionForm(forms.Form):
    """The version a state change (submit, send, accept …) was made against."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def _yes(value: str) -> bool:
    return value == "1"


class DeliveryReviewForm(forms.Form):
    scope_ok = forms.TypedChoiceField(
        label=_("方案范围可交付"), choices=YES_NO, coerce=_yes, widget=forms.RadioSelect
    )
    workload_days = forms.DecimalField(
        label=_("评估工作量（人天）"), max_digits=8, decimal_places=1, min_value=Decimal(0)
    )
    price_ok = forms.TypedChoiceField(
        label=_("报价可覆盖交付成本"), choices=YES_NO, coerce=_yes, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("评审意见"), required=False, max_length=4000, widget=forms.Textarea({"rows": 3})
    )

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {key: data[key] for key in ("scope_ok", "workload_days", "price_ok", "comment")}
