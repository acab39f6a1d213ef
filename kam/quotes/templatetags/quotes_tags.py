from decimal import Decimal

from django import template

from kam.quotes.enums import QuoteStatus

register = template.Library()

TONES = {
    QuoteStatus.PENDING_DISCOUNT_APPROVAL: "warn",
    QuoteStatus.APPROVED: "ok",
    QuoteStatus.SENT: "ok",
    QuoteStatus.ACCEPTED: "ok",
    QuoteStatus.REJECTED: "bad",
}


@register.filter
def quote_tone(status: str) -> str:
    """The badge class of a status: `class="badge {{ quote.status|quote_tone }}"`."""
    return TONES.get(QuoteStatus(status), "") if status in QuoteStatus.values else ""


@register.filter
def plain(value: Decimal | None) -> str:
    """A quantity or rate without trailing zeros and never in exponent form (30, 12.5)."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"
