from datetime import date, timedelta
from itertools import pairwise

from django.utils import timezone

from kam.demo.loader_intents import demo_intents_build
from kam.intents.models import IntentChange
from kam.opportunities.services.opportunities import opportunity_create
from tests.factories import AccountFactory, LeadFactory


def test_demo_history_ends_in_each_subjects_class_and_includes_downgrades(rep, manager):
    account = AccountFactory(owner=rep)
    deals = [
        opportunity_create(account=account, actor=rep, data={"name": f"项目{i}",
                                                             "intent_class": "AB"[i % 2]})
        for i in range(30)
    ]  # fmt: skip
    lead = LeadFactory(owner=rep, intent_class="A")
    today = timezone.localdate()
    written = demo_intents_build(seed=2026, today=today)
    assert written == IntentChange.objects.count()
    for subject in [*deals, lead]:
        field = "lead" if subject is lead else "opportunity"
        rows = list(IntentChange.objects.filter(**{field: subject}).order_by("changed_at", "pk"))
        assert rows[0].from_class == "" and rows[-1].to_class == subject.intent_class
        assert all(a.to_class == b.from_class for a, b in pairwise(rows))
        assert all(row.changed_at.date() <= today for row in rows)
    downgrades = IntentChange.objects.filter(from_class="A", to_class="B")
    assert downgrades.exists()
    assert IntentChange.objects.filter(to_class="A").exclude(from_class="A").count() > 15
    since = today - timedelta(days=31)
    assert all(row.changed_at.date() >= since for row in downgrades)


def test_demo_history_for_a_fixed_day_is_deterministic(rep):
    account = AccountFactory(owner=rep)
    opportunity_create(account=account, actor=rep, data={"name": "x", "intent_class": "A"})
    demo_intents_build(seed=1, today=date(2026, 11, 24))
    first = list(IntentChange.objects.values_list("from_class", "to_class"))
    demo_intents_build(seed=1, today=date(2026, 11, 24))
    assert list(IntentChange.objects.values_list("from_class", "to_class")) == first
