"""The scheduled jobs: the warning before recall and the recall itself, safe to re-run."""

from datetime import timedelta

from django.utils import timezone

from kam.accounts.models import Account
from kam.notifications.models import Notification
from kam.pools.enums import PoolEventKind
from kam.pools.models import Placement, PoolEvent
from kam.pools.services.protection import placements_rederive
from kam.pools.services.sweeps import pool_recall_lapsed, pool_warn_expiring
from kam.pools.tasks import pool_recall_sweep, pool_warning_sweep
from tests.factories import AccountFactory
from tests.pools.conftest import held


def test_owner_is_warned_once_before_the_deadline(pool, rep):
    soon = held(rep, days_ago=28)  # lapses in 2 days; the pool warns 3 days ahead
    held(rep, days_ago=5)

    assert pool_warn_expiring() == 1
    assert pool_warn_expiring() == 0

    warning = Notification.objects.get(recipient=rep)
    assert soon.name in warning.title
    assert Placement.objects.get(account=soon).warned_at is not None


def test_new_deadline_earns_a_new_warning(pool, rep):
    account = held(rep, days_ago=28)
    pool_warn_expiring()
    placement = Placement.objects.get(account=account)
    Account.objects.filter(pk=account.pk).update(last_activity_at=timezone.now())
    account.refresh_from_db()
    from kam.pools.services.protection import placement_refresh

    placement = placement_refresh(account)
    assert placement.warned_at is None


def test_recall_returns_lapsed_accounts_and_tells_the_owner_and_manager(pool, rep, manager):
    lapsed = held(rep, days_ago=31)
    kept = held(rep, days_ago=3)

    assert pool_recall_lapsed() == 1
    assert pool_recall_lapsed() == 0

    lapsed.refresh_from_db()
    kept.refresh_from_db()
    assert lapsed.owner is None and kept.owner == rep
    event = PoolEvent.objects.get(account=lapsed)
    assert (event.kind, event.from_owner, event.actor) == (PoolEventKind.RECALL, rep, None)
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {rep.username, manager.username}
    assert Placement.objects.get(account=lapsed).protected_until is None


def test_recall_rechecks_progress_made_since_the_deadline_was_stored(pool, rep):
    account = held(rep, days_ago=31)
    # A follow-up written straight to the row (as a bulk import might) is still honoured.
    Account.objects.filter(pk=account.pk).update(last_activity_at=timezone.now())
    assert pool_recall_lapsed() == 0
    account.refresh_from_db()
    assert account.owner == rep


def test_periodic_tasks_call_the_services(pool, rep):
    held(rep, days_ago=28)
    held(rep, days_ago=40)
    assert pool_warning_sweep.call_local() == 1
    assert pool_recall_sweep.call_local() == 1


def test_rederive_places_accounts_created_in_bulk(pool, rep):
    owned = AccountFactory(owner=rep)
    free = AccountFactory(owner=None)
    assert placements_rederive() >= 2
    assert Placement.objects.get(account=owned).protected_until is not None
    assert Placement.objects.get(account=free).protected_until is None
    assert placements_rederive() == 0


def test_warning_window_counts_from_now(pool, rep):
    account = held(rep, days_ago=20)
    assert pool_warn_expiring(now=timezone.now() + timedelta(days=8)) == 1
    assert account.name in Notification.objects.get(recipient=rep).title
