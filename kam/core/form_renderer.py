"""Django's form renderer, except that a plain <select> is written in Python.

The template renders one included template per <option>: a filter bar with a few hundred
owners and the provinces spent more time there than in the page's SQL. The output is the
templates' own, character for character (tests/core/test_form_renderer.py)."""

from collections.abc import Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.forms.widgets import Select
from django.http import HttpRequest
from django.utils.html import conditional_escape


def _attrs(attrs: Mapping[str, Any]) -> str:
    """As django/forms/widgets/attrs.html: False leaves the attribute out, True writes it bare."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _option(option: Mapping[str, Any]) -> str:
    value = conditional_escape(option["value"])
    label = conditional_escape(option["label"])
    return f'<option value="{value}"{_attrs(option["attrs"])}>{label}</option>'


def _select(widget: Mapping[str, Any]) -> str | None:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            if option["template_name"] != Select.option_template_name:
                return None  # a widget with its own option template
            # The option template ends with a line break, which its include keeps.
            parts.append(f"\n  {_option(option)}\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class FormRenderer(DjangoTemplates):
    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        if template_name == Select.template_name and (html := _select(context["widget"])):
            return html
        return super().render(template_name, context, request)
