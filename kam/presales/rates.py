"""What an hour of pre-sales costs: `KAM_PRESALES_HOURLY_RATE` (settings or environment),
800.00 by default. Decimal throughout; a float in the setting is refused."""

import os
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_HOURLY_RATE = Decimal("800.00")
CENT = Decimal("0.01")


def hourly_rate() -> Decimal:
    raw = getattr(settings, "KAM_PRESALES_HOURLY_RATE", None)
    if raw is None:
        raw = os.environ.get("KAM_PRESALES_HOURLY_RATE") or DEFAULT_HOURLY_RATE
    if isinstance(raw, float):
        raise ImproperlyConfigured("KAM_PRESALES_HOURLY_RATE must be a Decimal or a string.")
    rate = Decimal(str(raw))
    if not rate.is_finite() or rate < 0:
        raise ImproperlyConfigured("KAM_PRESALES_HOURLY_RATE must be a non-negative amount.")
    return rate.quantize(CENT)


def hours_cost(hours: Decimal | None, rate: Decimal | None = None) -> Decimal:
    """hours × rate, half-up to the fen (the Decimal context default is banker's rounding)."""
    return ((hours or Decimal(0)) * (rate if rate is not None else hourly_rate())).quantize(
        CENT, rounding=ROUND_HALF_UP
    )
