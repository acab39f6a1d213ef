"""Parsing the forecast pages' query strings."""

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kam.forecasts.enums import ForecastGroup
from kam.forecasts.periods import Period, current_quarter, period_choices, period_parse


class PeriodField(forms.ChoiceField):
    """A picker of the usual periods that still accepts any well-formed key, so a bookmarked
    or linked period stays valid after it scrolls out of the picker."""

    def __init__(self, *, today: date | None = None, submitted: str | None = None, **kw: Any):
        self.today = today
        choices = [(p.key, p.label) for p in period_choices(today)]
        try:
            extra = period_parse(submitted, today=today) if submitted else None
        except ValidationError:
            extra = None
        if extra is not None and extra.key not in {key for key, _label in choices}:
            choices.insert(0, (extra.key, extra.label))
        super().__init__(choices=choices, required=False, **kw)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value).strip().upper()
        if not text:
            return ""
        try:
            return period_parse(text, today=self.today).key
        except ValidationError as error:
            raise ValidationError(error.message_dict["period"], code="invalid") from error

    def validate(self, value: Any) -> None:
        # to_python has refused anything that is not a period; any period is a valid choice.
        return None


class ForecastFilterForm(forms.Form):
    group = forms.ChoiceField(label=_("分组"), choices=ForecastGroup.choices, required=False)

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["period"] = PeriodField(
            label=_("期间"), today=today, submitted=self.data.get("period")
        )
        self.fields["period"].initial = self.default_period().key
        self.order_fields(["period", "group"])

    def default_period(self) -> Period:
        return current_quarter(self.today)

    def period_value(self) -> Period:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("period"):
            return period_parse(self.cleaned_data["period"], today=self.today)
        return self.default_period()

    def group_value(self) -> str:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("group"):
            return str(self.cleaned_data["group"])
        return ForecastGroup.REP


class AccuracyFilterForm(ForecastFilterForm):
    """Accuracy looks back: the default is the last finished quarter; there is no grouping."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["group"]

    def default_period(self) -> Period:
        return current_quarter(self.today).previous()
