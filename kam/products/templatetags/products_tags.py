from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def yuan(value: Any) -> str:
    """¥1,234,567.00 — Decimal kept exact, always two places."""
    if value is None or value == "":
        return ""
    return f"¥{Decimal(value):,.2f}"


@register.filter
def percent(value: Any) -> str:
    if value is None or value == "":
        return ""
    return f"{(Decimal(value) * 100).normalize():f}%"
