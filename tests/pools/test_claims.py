"""Claiming, releasing and assigning pool accounts (R-POOL-1): who wins, the limits, the
lockout, and the trail each change of hands leaves."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kam.accounts.enums import AccountStatus
from kam.accounts.models import Account, OwnerChange
from kam.accounts.services import account_change_owner
from kam.interactions.services import interaction_create
from kam.notifications.models import Notification
from kam.opportunities.enums import StageKind
from kam.opportunities.models import Stage
from kam.pools.enums import PoolEventKind
from kam.pools.models import Placement, PoolEvent
from kam.pools.services.claims import pool_assign, pool_claim, pool_release
from kam.pools.services.protection import placement_refresh
from tests.factories import AccountFactory, OpportunityFactory, UserFactory
from tests.pools.conftest import held, pooled


def refused_code(call) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    return str(caught.value.code)


def test_claiming_a_pool_account_makes_the_claimer_its_owner_with_a_fresh_clock(pool, rep):
    account = pooled()

    pool_claim(account_id=account.pk, actor=rep)

    account.refresh_from_db()
    assert account.owner == rep and account.team == rep.team
    assert account.version == 1
    placement = Placement.objects.get(account=account)
    assert placement.claimed_at is not None
    assert placement.protected_until == placement.claimed_at + timedelta(days=30)
    event = PoolEvent.objects.get(account=account)
    assert (event.kind, event.to_owner, event.actor) == (PoolEventKind.CLAIM, rep, rep)
    assert OwnerChange.objects.filter(account=account, to_owner=rep).exists()


def test_an_owned_account_cannot_be_claimed_while_protected(pool, rep, manager):
    account = held(rep, days_ago=10)
    assert refused_code(lambda: pool_claim(account_id=account.pk, actor=manager)) == "protected"
    account.refresh_from_db()
    assert account.owner == rep


def test_a_claimer_who_cannot_see_the_account_learns_nothing_about_it(pool, rep, other_rep):
    account = held(other_rep, days_ago=10, name="保密医院")

    with pytest.raises(ValidationError) as caught:
        pool_claim(account_id=account.pk, actor=rep)

    assert caught.value.code == "missing"
    assert "保密医院" not in str(caught.value) and str(other_rep) not in str(caught.value)
    account.refresh_from_db()
    assert account.owner == other_rep


def test_a_lapsed_account_is_claimable_at_once_without_any_job(pool, rep, other_rep):
    account = held(other_rep, days_ago=31)

    pool_claim(account_id=account.pk, actor=rep)

    account.refresh_from_db()
    assert account.owner == rep
    kinds = list(PoolEvent.objects.filter(account=account).order_by("pk").values_list("kind"))
    assert kinds == [(PoolEventKind.RECALL,), (PoolEventKind.CLAIM,)]
    lost = Notification.objects.get(recipient=other_rep)
    assert account.name in lost.title


def test_follow_up_extends_protection(pool, rep, manager):
    account = held(rep, days_ago=29)
    interaction_create(
        account=account, actor=rep,
        data={"kind": "visit", "occurred_at": timezone.now(), "subject": "回访", "content": "x"},
    )  # fmt: skip
    assert refused_code(lambda: pool_claim(account_id=account.pk, actor=manager)) == "protected"


def test_a_signed_customer_is_never_claimable(pool, rep):
    account = pooled(status=AccountStatus.ACTIVE)
    assert refused_code(lambda: pool_claim(account_id=account.pk, actor=rep)) == "customer"


def test_claim_limits_owned_and_per_day(pool, rep):
    first, second, third = pooled(), pooled(), pooled()
    pool_claim(account_id=first.pk, actor=rep)
    pool_claim(account_id=second.pk, actor=rep)
    # Two claims a day in this pool.
    assert refused_code(lambda: pool_claim(account_id=third.pk, actor=rep)) == "daily_limit"
    tomorrow = timezone.now() + timedelta(days=1)
    pool_claim(account_id=third.pk, actor=rep, now=tomorrow)
    fourth = pooled()
    # Three held at most.
    code = refused_code(lambda: pool_claim(account_id=fourth.pk, actor=rep, now=tomorrow))
    assert code == "owned_limit"


def test_a_former_owner_waits_out_the_lockout(pool, rep):
    account = held(rep, days_ago=1)
    pool_release(account=account, actor=rep, reason="客户暂无需求", version=account.version)
    assert refused_code(lambda: pool_claim(account_id=account.pk, actor=rep)) == "locked_out"
    later = timezone.now() + timedelta(days=16)
    pool_claim(account_id=account.pk, actor=rep, now=later)
    account.refresh_from_db()
    assert account.owner == rep


def test_release_needs_a_reason_and_a_current_version(pool, rep):
    account = held(rep, days_ago=1)
    with pytest.raises(ValidationError) as caught:
        pool_release(account=account, actor=rep, reason=" ", version=account.version)
    assert "reason" in caught.value.message_dict
    with pytest.raises(ValidationError):
        pool_release(account=account, actor=rep, reason="无需求", version=account.version + 5)
    account.refresh_from_db()
    assert account.owner == rep


def test_release_by_someone_else_is_refused(pool, rep, other_rep):
    account = held(rep, days_ago=1)
    with pytest.raises(PermissionDenied):
        pool_release(account=account, actor=other_rep, reason="x", version=account.version)


def test_only_allowed_teams_claim_from_a_restricted_pool(pool, rep, other_rep, team_two):
    pool.teams.set([team_two])
    account = pooled()
    with pytest.raises(PermissionDenied):
        pool_claim(account_id=account.pk, actor=rep)
    pool_claim(account_id=account.pk, actor=other_rep)


def test_a_rep_without_a_team_claims_only_from_pools_open_to_all(pool, team_two):
    rep = UserFactory(role="account_manager", team=None)
    pool.teams.set([team_two])
    with pytest.raises(PermissionDenied):
        pool_claim(account_id=pooled().pk, actor=rep)
    pool.teams.clear()
    pool_claim(account_id=pooled().pk, actor=rep)


@pytest.mark.parametrize("grade", ["A", "B", "C"])
@pytest.mark.parametrize("deal", ["none", "open", "won"])
def test_a_claims_deadline_is_the_one_derived_afresh(pool, rep, grade, deal):
    # The claim reads the deals' facts and the grade's rules with the rows it locks.
    account = pooled(grade=grade)
    if deal != "none":
        stage = OpportunityFactory.build().stage
        if deal == "won":
            stage = Stage.objects.get(process=stage.process, kind=StageKind.WON)
        OpportunityFactory(account=account, stage=stage, owner=rep)

    pool_claim(account_id=account.pk, actor=rep)

    claimed = Placement.objects.get(account=account)
    derived = placement_refresh(Account.objects.get(pk=account.pk))
    assert (claimed.protected_until, claimed.lapse_trigger) == (
        derived.protected_until, derived.lapse_trigger,
    )  # fmt: skip
    assert (claimed.protected_until is None) == (deal == "won")


def test_managers_and_finance_do_not_claim_for_themselves(pool, finance, director):
    account = pooled()
    for person in (finance, director):
        with pytest.raises(PermissionDenied):
            pool_claim(account_id=account.pk, actor=person)


def test_manager_assigns_a_pool_account_to_a_rep_in_their_line(pool, manager, rep, other_rep):
    account = pooled()
    pool_assign(account_id=account.pk, to_user=rep, actor=manager, reason="重点跟进")
    account.refresh_from_db()
    assert account.owner == rep
    assert PoolEvent.objects.filter(account=account, kind=PoolEventKind.ASSIGN).exists()
    assert Notification.objects.filter(recipient=rep, kind="pool").exists()
    with pytest.raises(PermissionDenied):
        pool_assign(account_id=pooled().pk, to_user=other_rep, actor=manager)


def test_assignment_respects_the_receivers_holding_limit(pool, manager, rep):
    for _ in range(3):
        held(rep, days_ago=1)
    with pytest.raises(ValidationError) as caught:
        pool_assign(account_id=pooled().pk, to_user=rep, actor=manager)
    assert "to_user" in caught.value.message_dict


def test_a_rep_cannot_assign(pool, rep, colleague):
    with pytest.raises(PermissionDenied):
        pool_assign(account_id=pooled().pk, to_user=colleague, actor=rep)


def test_manager_reassignment_restarts_the_clock_and_is_in_the_pool_history(
    pool, manager, rep, colleague
):
    account = held(rep, days_ago=25)
    account_change_owner(account=account, owner=colleague, reason="流转", actor=manager)
    placement = Placement.objects.get(account=account)
    assert placement.protected_until > timezone.now() + timedelta(days=29)
    event = PoolEvent.objects.get(account=account)
    assert (event.kind, event.from_owner, event.to_owner) == (PoolEventKind.ASSIGN, rep, colleague)


def test_accounts_created_in_a_matching_pool(pool, rep, db):
    from kam.pools.models import Pool

    west = Pool.objects.create(name="西北公海", provinces=["陕西"], priority=1)
    account = AccountFactory(owner=None, province="陕西")
    assert placement_refresh(account).pool == west
    elsewhere = AccountFactory(owner=None, province="北京")
    assert placement_refresh(elsewhere).pool == pool


def test_claiming_again_is_refused_clearly(pool, rep, manager, colleague):
    account = pooled()
    pool_claim(account_id=account.pk, actor=rep)
    assert refused_code(lambda: pool_claim(account_id=account.pk, actor=rep)) == "own"
    # The rep's manager sees whose it is; a colleague no longer sees it at all.
    assert refused_code(lambda: pool_claim(account_id=account.pk, actor=manager)) == "protected"
    assert refused_code(lambda: pool_claim(account_id=account.pk, actor=colleague)) == "missing"


def test_users_without_a_team_zone_default_to_shanghai_for_the_daily_limit(pool):
    rep = UserFactory(role="account_manager")
    account = pooled()
    pool_claim(account_id=account.pk, actor=rep)
    assert PoolEvent.objects.filter(actor=rep).count() == 1
