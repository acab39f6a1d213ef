from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kam.intents.models import IntentChange
from tests.factories import AccountFactory, OpportunityFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def change_add(*, subject, from_class="", to_class="A", at=None, actor=None):
    """A history row written directly, with an explicit time (for alerts and the board)."""
    is_lead = subject._meta.model_name == "lead"
    return IntentChange.objects.create(
        lead=subject if is_lead else None,
        opportunity=None if is_lead else subject,
        from_class=from_class,
        to_class=to_class,
        owner=subject.owner,
        team=subject.owner.team,
        actor=actor or subject.owner,
        **({"changed_at": at} if at else {}),
    )


@pytest.fixture
def rep_account(rep):
    return AccountFactory(owner=rep)


@pytest.fixture
def a_deal(rep_account):
    return OpportunityFactory(account=rep_account, intent_class="A", name="A 类项目")
