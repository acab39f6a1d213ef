from datetime import timedelta
from typing import cast

import pytest
from django.utils import timezone

from kam.accounts.models import Account
from kam.pools.models import Pool, RecallRule
from kam.pools.services.protection import default_pool, placement_refresh
from tests.factories import AccountFactory


@pytest.fixture
def pool(db) -> Pool:
    return pool_with_known_rules()


def pool_with_known_rules() -> Pool:
    """The default pool with known rules (the shipped ones may be gone after a flush)."""
    pool = default_pool()
    Pool.objects.filter(pk=pool.pk).update(
        protection_days=30, warn_days=3, max_owned=3, max_claims_per_day=2,
        reclaim_lockout_days=15,
    )  # fmt: skip
    pool.refresh_from_db()
    RecallRule.objects.filter(pool=pool).delete()
    RecallRule.objects.bulk_create(
        [
            RecallRule(pool=pool, grade="C", trigger="no_follow_up", days=30),
            RecallRule(pool=pool, grade="C", trigger="not_signed", days=180),
            RecallRule(pool=pool, grade="A", trigger="no_follow_up", days=60),
            RecallRule(pool=pool, grade="A", trigger="no_opportunity", days=90),
        ]
    )
    return pool


def held(owner, *, days_ago: float, **fields) -> Account:
    """An account `owner` took `days_ago` days ago."""
    account = cast(Account, AccountFactory(owner=owner, **fields))
    placement_refresh(account, claimed_at=timezone.now() - timedelta(days=days_ago))
    return account


def pooled(**fields) -> Account:
    account = cast(Account, AccountFactory(owner=None, **fields))
    placement_refresh(account)
    return account
