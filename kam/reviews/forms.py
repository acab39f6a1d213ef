"""Page input for review sheets and coaching: shape only; the services decide the rest."""

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.accounts.models import Account
from kam.reviews.enums import CoachingKind
from kam.reviews.models import CoachingNote
from kam.reviews.services.coaching import COACHING_FIELDS
from kam.users.models import Team, User


class ItemNoteForm(forms.Form):
    rep_note = forms.CharField(
        label=_("理单备注"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("进展、风险、需要的支持")}),
    )
    next_step = forms.CharField(
        label=_("下一步"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class SheetFileForm(forms.Form):
    rep_summary = forms.CharField(
        label=_("今日小结"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("今天的重点进展和明天的计划")}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("点评"), widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("写下点评…")})
    )
    item = forms.IntegerField(required=False, widget=forms.HiddenInput)


class DayFilterForm(forms.Form):
    day = forms.DateField(
        label=_("日期"), required=False, widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d")
    )
    team = forms.ModelChoiceField(
        label=_("团队"), required=False, queryset=Team.objects.none(), empty_label=_("全部")
    )
    missing = forms.BooleanField(label=_("只看未提交"), required=False)

    def __init__(self, *args: Any, teams: list[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(  # type: ignore[attr-defined]
            pk__in=[team.pk for team in teams]
        ).order_by("name")

    def values(self, default_day: date) -> tuple[date, Team | None, bool]:
        if not self.is_valid():
            return default_day, None, False
        data = self.cleaned_data
        return data["day"] or default_day, data["team"], data["missing"]


class CoachingNoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("辅导方式"), choices=CoachingKind.choices)
    happened_on = forms.DateField(
        label=_("辅导日期"), widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d")
    )
    account = forms.ModelChoiceField(
        label=_("客户"), required=False, queryset=Account.objects.none(), empty_label="—"
    )
    observations = forms.CharField(label=_("观察记录"), widget=forms.Textarea({"rows": 4}))
    strengths = forms.CharField(
        label=_("做得好的"), required=False, widget=forms.Textarea({"rows": 3})
    )
    improvements = forms.CharField(
        label=_("待改进"), required=False, widget=forms.Textarea({"rows": 3})
    )
    follow_up_action = forms.CharField(
        label=_("跟进要求"), required=False, widget=forms.Textarea({"rows": 2})
    )
    follow_up_due = forms.DateField(
        label=_("跟进截止日期"),
        required=False,
        widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, rep: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The rep's own accounts: the ones a coach accompanies him to.
        self.fields["account"].queryset = Account.objects.filter(  # type: ignore[attr-defined]
            owner=rep
        ).order_by("name")

    def service_data(self) -> dict[str, Any]:
        return {key: self.cleaned_data[key] for key in COACHING_FIELDS}


def coaching_initial(note: CoachingNote) -> dict[str, Any]:
    return {
        **{key: getattr(note, key) for key in COACHING_FIELDS if key != "account"},
        "account": note.account_id,
        "version": note.version,
    }


class FollowUpForm(forms.Form):
    follow_up_result = forms.CharField(label=_("跟进结果"), widget=forms.Textarea({"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
