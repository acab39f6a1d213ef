"""Forms parse and type-check page input; the rules live in kam.delivery.services."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.contacts.models import Contact
from kam.contracts.models import Contract, PaymentMilestone
from kam.delivery.enums import DeliveryRole, SignOffStatus, Stance
from kam.delivery.models import DeliveryChainMember
from kam.delivery.selectors import contacts_addable


class _MemberFields(forms.Form):
    delivery_role = forms.ChoiceField(label=_("交付角色"), choices=DeliveryRole.choices)
    stance = forms.ChoiceField(label=_("交付态度"), choices=Stance.choices, initial=Stance.UNKNOWN)
    signs_all_milestones = forms.BooleanField(label=_("签核全部回款节点"), required=False)
    milestones = forms.ModelMultipleChoiceField(
        label=_("签核的回款节点"),
        queryset=PaymentMilestone.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    support_plan = forms.CharField(
        label=_("支持计划"),
        required=False,
        max_length=5000,
        help_text=_("此人关心什么、我们如何支持，确保付款签字时不犹豫。"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelMultipleChoiceField[PaymentMilestone]", self.fields["milestones"])
        field.queryset = contract.milestones.order_by("position")

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in ("delivery_role", "stance")}
        data["signs_all_milestones"] = self.cleaned_data["signs_all_milestones"]
        data["milestones"] = list(self.cleaned_data["milestones"])
        data["support_plan"] = self.cleaned_data["support_plan"]
        return data


class MemberAddForm(_MemberFields):
    contact = forms.ModelChoiceField(label=_("关键人"), queryset=Contact.objects.none())
    field_order = ["contact", "delivery_role", "stance"]

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "add_%s")
        super().__init__(*args, contract=contract, **kwargs)
        field = cast("forms.ModelChoiceField[Contact]", self.fields["contact"])
        field.queryset = contacts_addable(contract)
        field.empty_label = _("选择关键人")


class MemberEditForm(_MemberFields):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "edit_%s")
        super().__init__(*args, contract=contract, **kwargs)


def member_initial(member: DeliveryChainMember) -> dict[str, Any]:
    return {
        "delivery_role": member.delivery_role,
        "stance": member.stance,
        "signs_all_milestones": member.signs_all_milestones,
        "milestones": [m.pk for m in member.milestones.all()],
        "support_plan": member.support_plan,
        "version": member.version,
    }


class SignOffForm(forms.Form):
    signoff_status = forms.ChoiceField(label=_("签核状态"), choices=SignOffStatus.choices)
    signoff_on = forms.DateField(
        label=_("签核日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    signoff_note = forms.CharField(label=_("签核说明"), required=False, max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "signoff_%s")
        super().__init__(*args, **kwargs)


def signoff_initial(member: DeliveryChainMember) -> dict[str, Any]:
    return {
        "signoff_status": member.signoff_status,
        "signoff_on": member.signoff_on,
        "signoff_note": member.signoff_note,
        "version": member.version,
    }
