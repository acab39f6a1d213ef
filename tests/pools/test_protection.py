"""The protection deadline is a pure function of timestamps and the pool's rules."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kam.pools.services.protection import Inputs, protection_deadline

T0 = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)
RULES = [("C", "no_follow_up", 30), ("C", "not_signed", 180), ("A", "no_opportunity", 90)]


def inputs(**changes) -> Inputs:
    values: dict[str, Any] = {
        "owned": True, "prospect": True, "signed": False, "grade": "C", "held_since": T0,
        "last_follow_up": None, "last_opportunity": None,
    }  # fmt: skip
    values.update(changes)
    return Inputs(**values)


@pytest.mark.parametrize(
    ("changes", "expected", "trigger"),
    [
        ({}, T0 + timedelta(days=30), "no_follow_up"),
        # A follow-up restarts the clock of "no follow-up" …
        ({"last_follow_up": T0 + timedelta(days=20)}, T0 + timedelta(days=50), "no_follow_up"),
        # … but never beyond "not signed within 180 days of the claim".
        ({"last_follow_up": T0 + timedelta(days=170)}, T0 + timedelta(days=180), "not_signed"),
        # Follow-ups by the previous owner do not count for the new one.
        ({"last_follow_up": T0 - timedelta(days=5)}, T0 + timedelta(days=30), "no_follow_up"),
        # A grade with its own rules uses them; a grade without falls back to the default 45.
        ({"grade": "A"}, T0 + timedelta(days=90), "no_opportunity"),
        ({"grade": "B"}, T0 + timedelta(days=45), "no_follow_up"),
        ({"signed": True}, None, ""),
        ({"prospect": False}, None, ""),
        ({"owned": False}, None, ""),
    ],
)
def test_deadline(changes, expected, trigger):
    assert protection_deadline(inputs(**changes), RULES, 45) == (expected, trigger)


moments = st.integers(min_value=-400, max_value=400).map(lambda d: T0 + timedelta(hours=d))


# Timing checks off: the pure function is fast, but a loaded CI machine is not.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(follow_up=st.none() | moments, opportunity=st.none() | moments)
def test_deadline_is_never_before_the_claim_and_progress_never_shortens_it(follow_up, opportunity):
    base, _ = protection_deadline(inputs(), RULES, 45)
    later, _ = protection_deadline(
        inputs(last_follow_up=follow_up, last_opportunity=opportunity), RULES, 45
    )
    assert base is not None and later is not None
    assert later >= base > T0
