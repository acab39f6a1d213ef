from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for paging and sorting links)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def score_dots(value: int | None) -> str:
    """1–5 score drawn as filled and empty dots (●●●○○)."""
    filled = max(0, min(5, int(value or 0)))
    return "●" * filled + "○" * (5 - filled)


@register.filter
def money(value: Any) -> str:
    """1,234,567.00 — Decimal kept exact, always two places."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"


@register.filter
def yuan(value: Any) -> str:
    """¥1,234,567.00"""
    formatted = money(value)
    return f"¥{formatted}" if formatted else ""
