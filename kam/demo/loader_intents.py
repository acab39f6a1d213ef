"""The demo's intent-class history (SPEC R-INT-1): run after the deals (and leads) exist.

The services stamped each deal's class "now" at creation; this rewrites that into a month of
realistic history per rep — deals warming up through C and B to A, a few A-class deals
slipping back to B — as bulk rows with explicit times, so no alert is sent for the past.
"""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction

from kam.demo.loader_base import LOCAL
from kam.intents.models import IntentChange
from kam.leads.models import Lead
from kam.opportunities.models import Opportunity

HISTORY_DAYS = 30
DOWNGRADE_SHARE = 0.2


def _path(rng: random.Random, current: str) -> list[str]:
    """The classes a subject went through, ending in `current`."""
    if current == "A":
        return rng.choice([["C", "B", "A"], ["B", "A"], ["A"]])
    if current == "B":
        return (
            ["C", "A", "B"] if rng.random() < DOWNGRADE_SHARE else rng.choice([["C", "B"], ["B"]])
        )
    return ["C"]


def _moments(rng: random.Random, start: datetime, end: datetime, n: int) -> list[datetime]:
    """n working-hours moments between start and end, in order."""
    span = max(int((end - start).total_seconds()), 1)
    picks = sorted(rng.randint(0, span) for _ in range(n))
    result = []
    for offset in picks:
        moment = (start + timedelta(seconds=offset)).astimezone(LOCAL)
        clock = time(rng.randint(9, 17), rng.choice([0, 15, 30, 45]))
        result.append(min(max(datetime.combine(moment.date(), clock, tzinfo=LOCAL), start), end))
    return result


def _history(
    rng: random.Random,
    subject: Opportunity | Lead,
    now: datetime,
    *,
    is_open: bool,
) -> list[IntentChange]:
    current = subject.intent_class
    born = min(subject.created_at, now)
    path = _path(rng, current) if is_open else [current]
    later = _moments(rng, max(born, now - timedelta(days=HISTORY_DAYS)), now, len(path) - 1)
    steps = [("", path[0], born)]
    steps += [(path[i], path[i + 1], later[i]) for i in range(len(path) - 1)]
    owner = subject.owner
    return [
        IntentChange(
            opportunity=subject if isinstance(subject, Opportunity) else None,
            lead=subject if isinstance(subject, Lead) else None,
            from_class=old,
            to_class=new,
            owner=owner,
            team_id=owner.team_id,
            actor=owner,
            changed_at=at,
        )
        for old, new, at in steps
    ]


@transaction.atomic
def demo_intents_build(*, seed: int, today: date) -> int:
    """Replace the creation-time class rows of the demo's deals and leads with a month of
    history. Returns how many history rows were written."""
    rng = random.Random(seed + 1)  # noqa: S311 - demo data is pseudo-random on purpose
    now = datetime.combine(today - timedelta(days=1), time(18, 0), tzinfo=LOCAL)
    rows: list[IntentChange] = []
    deals = Opportunity.objects.exclude(intent_class="").select_related("owner").order_by("pk")
    for deal in deals:
        rows += _history(rng, deal, now, is_open=deal.closed_at is None)
    leads = Lead.objects.exclude(intent_class="").select_related("owner").order_by("pk")
    for lead in leads:
        rows += _history(rng, lead, now, is_open=lead.status in ("new", "working"))
    IntentChange.objects.filter(opportunity__in=deals).delete()
    IntentChange.objects.filter(lead__in=leads).delete()
    IntentChange.objects.bulk_create(rows, batch_size=1000)
    _dates_match_classes(rng, today)
    return len(rows)


# Days to signing each class stands for (R-INT-1's defaults), for the demo's open deals.
CLASS_DAYS = {"A": (2, 7), "B": (8, 14), "C": (15, 30)}


def _dates_match_classes(rng: random.Random, today: date) -> None:
    """A rep's class is a read of timing: the demo's open deals get signing dates that agree
    with their class — all but one A-class deal, left contradicting so the flag shows."""
    open_deals = list(
        Opportunity.objects.filter(closed_at__isnull=True, intent_class__in=list(CLASS_DAYS))
        .only("pk", "intent_class", "expected_sign_date")
        .order_by("pk")
    )
    contradicting = next((d.pk for d in open_deals if d.intent_class == "A"), None)
    for deal in open_deals:
        if deal.pk != contradicting:
            low, high = CLASS_DAYS[deal.intent_class]
            deal.expected_sign_date = today + timedelta(days=rng.randint(low, high))
    Opportunity.objects.bulk_update(open_deals, ["expected_sign_date"])
