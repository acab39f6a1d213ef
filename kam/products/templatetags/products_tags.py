from decimal import Decimal
from typing import Any

from django import template

from kam.core.templatetags.kam_tags import yuan

register = template.Library()


register.filter("yuan", yuan)


@register.filter
def percent(value: Any) -> str:
    if value is None or value == "":
        return ""
    return f"{(Decimal(value) * 100).normalize():f}%"
