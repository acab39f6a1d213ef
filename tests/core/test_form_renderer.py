"""The project's form renderer writes <select> widgets exactly as Django's templates do."""

import pytest
from django import forms
from django.forms.renderers import BaseRenderer, DjangoTemplates
from django.utils.safestring import mark_safe

from kam.core.form_renderer import FormRenderer
from kam.users.models import User
from tests.factories import UserFactory


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("", "全部"), ("a", "甲"), ("b", "乙 & <丙>")])
    grouped = forms.ChoiceField(
        choices=[("", "—"), ("华北", [("bj", "北京"), ("tj", "天津")]), ("x", 'say "x"')]
    )
    several = forms.MultipleChoiceField(choices=[("1", "一"), ("2", "二"), ("3", "三")])
    flagged = forms.ChoiceField(
        choices=[("a", mark_safe("<b>甲</b>")), ("b", "乙")],
        widget=forms.Select(attrs={"class": "narrow", "required": True, "disabled": False}),
    )
    owner = forms.ModelChoiceField(queryset=User.objects.order_by("pk"), empty_label="全部")
    radio = forms.ChoiceField(choices=[("a", "甲")], widget=forms.RadioSelect)


def _html(form: forms.Form, renderer: BaseRenderer) -> dict[str, str]:
    form.renderer = renderer
    return {name: str(form[name]) for name in form.fields}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        None,
        {"plain": "b", "grouped": "tj", "several": ["1", "3"], "flagged": "a"},
        {"plain": "nope", "grouped": "x", "several": ["2"], "owner": "999999"},
    ],
)
def test_selects_match_djangos_templates(data):
    users = [UserFactory(display_name="王<五>"), UserFactory()]
    if data is not None:
        data = {**data, "owner": data.get("owner", str(users[0].pk))}

    ours = _html(Everything(data), FormRenderer())
    django = _html(Everything(data), DjangoTemplates())

    assert ours == django
    assert "王&lt;五&gt;" in ours["owner"] and "<b>甲</b>" in ours["flagged"]
