"""The battle map's filter bar. It parses; the selector applies visibility first."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.accounts.rules import owner_scope_ids
from kam.battlemap.enums import MapSort, StateFilter
from kam.battlemap.selectors import MAP_STATUSES, MapFilters
from kam.billing.rules import billing_sees_all
from kam.users.models import Team, User


class BattleMapFilterForm(forms.Form):
    q = forms.CharField(label=_("客户 / 合同"), required=False, max_length=100)
    owner = forms.ModelChoiceField(
        label=_("客户经理"), required=False, queryset=User.objects.none(), empty_label=_("全部")
    )
    team = forms.ModelChoiceField(
        label=_("团队"), required=False, queryset=Team.objects.none(), empty_label=_("全部")
    )
    status = forms.ChoiceField(
        label=_("合同状态"), required=False,
        choices=[("", _("全部")), *((s.value, s.label) for s in MAP_STATUSES)],
    )  # fmt: skip
    state = forms.ChoiceField(
        label=_("回款情况"), required=False, choices=[("", _("全部")), *StateFilter.choices]
    )
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=MapSort.choices)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Finance and the executives see every contract, so they may pick any owner or team.
        if billing_sees_all(user):
            owners = User.objects.filter(is_active=True)
            teams = Team.objects.all()
        elif owner_scope_ids(user) == {user.pk}:
            # A rep's map holds only their own contracts: nothing to pick.
            del self.fields["owner"], self.fields["team"]
            return
        else:
            owners = User.objects.filter(pk__in=owner_scope_ids(user))
            teams = Team.objects.filter(members__in=owners).distinct()
        owner_field: Any = self.fields["owner"]
        owner_field.queryset = owners.order_by("display_name", "username")
        team_field: Any = self.fields["team"]
        team_field.queryset = teams.order_by("name")

    def map_filters(self) -> MapFilters:
        if not self.is_valid():
            return MapFilters()
        data = self.cleaned_data
        return MapFilters(
            query=data["q"].strip(),
            owner_id=data["owner"].pk if data.get("owner") else None,
            team_id=data["team"].pk if data.get("team") else None,
            status=data["status"],
            state=data["state"],
            sort=data["sort"] or MapSort.ACCOUNT,
        )
