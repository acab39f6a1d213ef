from django import forms
from django.utils.translation import gettext_lazy as _

from kam.workcalendar.enums import DayKind
from kam.workcalendar.services import NAME_MAX

BULK_MAX_CHARS = 20_000


class CalendarDayForm(forms.Form):
    date = forms.DateField(
        label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kind = forms.ChoiceField(label=_("类型"), choices=DayKind.choices)
    name = forms.CharField(label=_("名称"), max_length=NAME_MAX)


class CalendarBulkForm(forms.Form):
    lines = forms.CharField(
        label=_("批量粘贴"),
        max_length=BULK_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "2026-10-01 holiday 国庆节"}),
        help_text=_(
            "每行一天：日期 类型 名称；类型为 holiday（节假日）或 makeup_workday（调休上班）。"
        ),
    )
