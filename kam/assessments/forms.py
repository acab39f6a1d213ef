"""Forms parse and type-check page input; the rules live in kam.assessments.services."""

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kam.assessments.models import QUESTIONS, ActionItem, Assessment, DealContact
from kam.assessments.selectors import contacts_addable
from kam.contacts.enums import Attitude, DecisionRole, Influence
from kam.contacts.models import Contact
from kam.opportunities.models import Opportunity
from kam.users.models import User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SCORES = [(1, "1"), (2, "2"), (3, "3"), (4, "4"), (5, "5")]
QUESTION_LABELS: dict[str, "StrOrPromise"] = {
    "real": _("项目是否真实"),
    "compete": _("我们能否竞争"),
    "win": _("我们能否赢"),
    "worth": _("是否值得做"),
}


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _PrefixedIds(forms.Form):
    """Several panels share one page: give each form its own element ids."""

    id_prefix = "form"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class AssessmentForm(_PrefixedIds):
    id_prefix = "assess"

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for q in QUESTIONS:
            self.fields[f"{q}_score"] = forms.TypedChoiceField(
                label=QUESTION_LABELS[q],
                choices=[("", _("未评分")), *SCORES],
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[f"{q}_note"] = forms.CharField(
                label=_("说明"),
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["competitive_strategy"] = forms.CharField(
            label=_("竞争策略"),
            required=False,
            max_length=5000,
            help_text=_("针对每个竞争对手，我们如何扬长避短、如何应对。"),
            widget=forms.Textarea(attrs={"rows": 4}),
        )

    def questions(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"{q}_score"], self[f"{q}_note"]) for q in QUESTIONS]

    def service_data(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


def assessment_initial(assessment: Assessment) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": assessment.version}
    for q in QUESTIONS:
        initial[f"{q}_score"] = getattr(assessment, f"{q}_score")
        initial[f"{q}_note"] = getattr(assessment, f"{q}_note")
    initial["competitive_strategy"] = assessment.competitive_strategy
    return initial


class DealContactAddForm(_PrefixedIds):
    id_prefix = "chain_add"

    contact = forms.ModelChoiceField(label=_("关键人"), queryset=Contact.objects.none())

    def __init__(self, *args: Any, opportunity: Opportunity, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Contact]", self.fields["contact"])
        field.queryset = contacts_addable(opportunity)
        field.empty_label = _("选择关键人")


class DealContactForm(_PrefixedIds):
    id_prefix = "chain_edit"

    role_in_deal = forms.ChoiceField(
        label=_("项目中的角色"), required=False, choices=[("", "—"), *DecisionRole.choices]
    )
    influence = forms.ChoiceField(
        label=_("影响力"), required=False, choices=[("", "—"), *Influence.choices]
    )
    attitude = forms.ChoiceField(label=_("态度"), choices=Attitude.choices)
    solution_acceptance = forms.TypedChoiceField(label=_("方案认可度"), choices=SCORES, coerce=int)
    price_acceptance = forms.TypedChoiceField(label=_("价格接受度"), choices=SCORES, coerce=int)
    relationship_strategy = forms.CharField(
        label=_("关系策略"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def service_data(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


def deal_contact_initial(deal_contact: DealContact) -> dict[str, Any]:
    return {
        "role_in_deal": deal_contact.role_in_deal,
        "influence": deal_contact.influence,
        "attitude": deal_contact.attitude,
        "solution_acceptance": deal_contact.solution_acceptance,
        "price_acceptance": deal_contact.price_acceptance,
        "relationship_strategy": deal_contact.relationship_strategy,
        "version": deal_contact.version,
    }


def action_owner_choices(opportunity: Opportunity, actor: User, also: int | None = None) -> Any:
    """The people who usually own a step: the deal's team, its owner, the account's owner and
    the person planning. The service still checks the chosen owner can see the deal."""
    return (
        User.objects.filter(
            Q(opportunity_memberships__opportunity=opportunity)
            | Q(pk=opportunity.owner_id)
            | Q(pk=opportunity.account.owner_id)
            | Q(pk=actor.pk)
            | Q(pk=also),
            is_active=True,
        )
        .distinct()
        .order_by("display_name", "pk")
    )


class ActionItemForm(_PrefixedIds):
    id_prefix = "action"

    title = forms.CharField(label=_("行动"), max_length=200)
    owner = forms.ModelChoiceField(label=_("负责人"), queryset=User.objects.none())
    due_date = forms.DateField(label=_("截止日期"), widget=_date_input())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(
        self,
        *args: Any,
        opportunity: Opportunity,
        actor: User,
        item: ActionItem | None = None,
        **kwargs: Any,
    ) -> None:
        if item is not None:
            kwargs.setdefault("auto_id", f"action_{item.pk}_%s")
        super().__init__(*args, **kwargs)
        if item is not None:
            self.fields["version"].required = True
        owner = cast("forms.ModelChoiceField[User]", self.fields["owner"])
        owner.queryset = action_owner_choices(
            opportunity, actor, also=item.owner_id if item is not None else None
        )
        owner.empty_label = None

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("title", "owner", "due_date")}


class ActionDoneForm(_PrefixedIds):
    id_prefix = "action_done"

    result = forms.CharField(
        label=_("结果"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
