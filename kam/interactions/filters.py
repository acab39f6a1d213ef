"""The list page's filter bar: GET parameters → keyword arguments of `interactions_matching`."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.accounts.rules import owner_scope_ids
from kam.interactions.enums import InteractionKind
from kam.users.models import User

YES_NO = [("", _("全部")), ("1", _("是")), ("0", _("否"))]
SORTS = [("-occurred_at", _("最新在前")), ("occurred_at", _("最早在前"))]


class InteractionFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部")), *InteractionKind.choices]
    )
    account = forms.CharField(label=_("客户"), required=False, max_length=100)
    author = forms.ModelChoiceField(
        label=_("记录人"), required=False, queryset=User.objects.none(), empty_label=_("全部")
    )
    date_from = forms.DateField(
        label=_("开始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("结束日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    accompanied = forms.ChoiceField(label=_("陪访"), required=False, choices=YES_NO)
    has_next = forms.ChoiceField(label=_("有下一步"), required=False, choices=YES_NO)
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=SORTS)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Authors to pick from: the people whose work this user oversees (everyone for the GM).
        people = User.objects.filter(is_active=True).order_by("display_name", "username")
        if not user.sees_everything:
            people = people.filter(pk__in=owner_scope_ids(user))
        cast(forms.ModelChoiceField, self.fields["author"]).queryset = people

    def is_filtered(self) -> bool:
        if not self.is_bound or not self.is_valid():
            return False
        return any(
            value not in (None, "") for name, value in self.cleaned_data.items() if name != "sort"
        )

    def selector_kwargs(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data

        def yes_no(value: str) -> bool | None:
            return None if value == "" else value == "1"

        return {
            "kind": data["kind"],
            "account_text": data["account"],
            "author_id": data["author"].pk if data["author"] else None,
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "accompanied": yes_no(data["accompanied"]),
            "has_next_step": yes_no(data["has_next"]),
            "oldest_first": data["sort"] == "occurred_at",
        }
