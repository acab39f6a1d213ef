"""Parsing only: the rules live in kam.bids.services so pages and the API agree."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.bids.enums import BidStatus, DocumentKind, ReviewKind
from kam.bids.models import Bid


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class BidForm(forms.Form):
    tender_name = forms.CharField(label=_("招标项目名称"), max_length=200)
    tender_number = forms.CharField(label=_("招标编号"), max_length=100, required=False)
    deadline = forms.DateTimeField(label=_("投标截止时间"), widget=DateTimeInput)
    bond = forms.DecimalField(
        label=_("投标保证金（元）"), max_digits=16, decimal_places=2, required=False
    )
    bid_amount = forms.DecimalField(label=_("投标报价（元）"), max_digits=16, decimal_places=2)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def service_data(self) -> dict[str, Any]:
        data = {key: self.cleaned_data[key] for key in ["tender_name", "tender_number",
                                                        "deadline", "bid_amount"]}  # fmt: skip
        data["bond"] = self.cleaned_data.get("bond") or "0"
        return data


def bid_initial(bid: Bid) -> dict[str, Any]:
    return {
        "tender_name": bid.tender_name, "tender_number": bid.tender_number,
        "deadline": bid.deadline, "bond": bid.bond, "bid_amount": bid.bid_amount,
        "version": bid.version,
    }  # fmt: skip


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class SubmittedForm(VersionForm):
    submitted_on = forms.DateField(label=_("投标日期"), widget=DateInput)


class ResultForm(VersionForm):
    status = forms.ChoiceField(
        label=_("结果"),
        choices=[(s.value, s.label) for s in (BidStatus.WON, BidStatus.LOST, BidStatus.ABANDONED)],
    )
    note = forms.CharField(label=_("结果说明"), widget=forms.Textarea, required=False)
    competitor_prices = forms.CharField(
        label=_("竞争对手报价"), widget=forms.Textarea, required=False
    )


class DocumentRequestForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("需要的文件"), choices=DocumentKind.choices, widget=forms.CheckboxSelectMultiple
    )
    needed_by = forms.DateField(label=_("需要日期"), widget=DateInput)
    description = forms.CharField(label=_("说明"), widget=forms.Textarea, required=False)


class ReviewRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("评审类型"), choices=ReviewKind.choices)
    comments = forms.CharField(label=_("评审要点"), widget=forms.Textarea, required=False)


class NegotiationForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DateInput)
    participants = forms.CharField(label=_("参与人"), max_length=300)
    content = forms.CharField(label=_("谈判内容"), widget=forms.Textarea)
    outcome = forms.CharField(label=_("谈判结果"), widget=forms.Textarea, required=False)
    next_step = forms.CharField(label=_("下一步"), max_length=300, required=False)
