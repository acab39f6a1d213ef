from contextlib import nullcontext
from typing import cast

import pytest
from django.test import Client

from bench.inprocess import capture_write
from bench.operations import Operation, Personas, plan_writes
from bench.writes import Step, Write, pool_limits_lifted
from kam.accounts.models import Account
from kam.interactions.models import Interaction
from kam.opportunities.models import AttestationRecord, Opportunity, Stage
from kam.pools.models import Pool, PoolEvent
from kam.pools.services.protection import default_pool
from kam.users.models import User
from tests.factories import AccountFactory, ContactFactory, OpportunityFactory


@pytest.fixture
def write_data(rep: User) -> dict[str, Account]:
    """What the writes need: a detail account, a second account with a contact and a deal at a
    stage whose gate is an account manager's attestation, and an unowned prospect."""
    logged = cast(Account, AccountFactory(owner=rep))
    ContactFactory(account=logged)
    negotiate = Stage.objects.get(process__code="six-stage", code="negotiate")
    OpportunityFactory(account=logged, stage=negotiate)
    return {
        "detail": cast(Account, AccountFactory(owner=rep)),
        "logged": logged,
        "pool": cast(Account, AccountFactory(owner=None)),
    }


def write_operations(rep: User, director: User, detail: Account) -> dict[str, Operation]:
    operations, skipped = plan_writes(Personas(rep=rep, director=director), detail)
    assert skipped == []
    return {op.name: op for op in operations}


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, write: Write) -> None:
    """One repetition as the HTTP pass runs it: accepted, then undone."""
    with write.steps() as step:
        response = client.post(step.path, step.form, headers=write.headers)
        assert write.refusal(response.status_code, response.content) == ""
        step.undo()


@pytest.mark.django_db
def test_each_write_is_accepted_and_rolled_back_in_process(rep, director, write_data):
    operations = write_operations(rep, director, write_data["detail"])
    client = logged_in(rep)
    interactions = Interaction.objects.count()
    with pool_limits_lifted():
        for op in operations.values():
            assert op.method == "POST"
            assert op.write is not None
            statements = capture_write(client, op.write)
            assert any(sql.startswith(("INSERT", "UPDATE")) for sql in statements)
            # Served, the service's transaction is the outermost: no savepoint of it is counted.
            assert not any(sql.startswith(("SAVEPOINT", "RELEASE")) for sql in statements)
    pool_account = Account.objects.get(pk=write_data["pool"].pk)
    assert pool_account.owner_id is None
    assert Interaction.objects.count() == interactions
    assert not PoolEvent.objects.exists()


@pytest.mark.django_db
def test_writes_undone_leave_the_pool_and_the_deal_as_they_were(rep, director, write_data):
    operations = write_operations(rep, director, write_data["detail"])
    deal = Opportunity.objects.get(account=write_data["logged"])
    # Readied once by the planning: the rep's attestation lets the deal move forward.
    assert AttestationRecord.objects.filter(opportunity=deal, attested_by=rep).exists()
    client = logged_in(rep)
    with pool_limits_lifted():
        for _ in range(3):  # the same account and deal again: the undo made them claimable
            for op in operations.values():
                assert op.write is not None
                post(client, op.write)
    pool_account = Account.objects.get(pk=write_data["pool"].pk)
    assert pool_account.owner_id is None
    assert Opportunity.objects.get(pk=deal.pk).stage_id == deal.stage_id
    visits = Interaction.objects.filter(account=write_data["logged"])
    assert visits.count() == 3
    assert {p.pk for p in visits[0].their_participants.all()} == {
        write_data["logged"].contacts.get().pk
    }


@pytest.mark.django_db
def test_pool_limits_come_back_after_the_run(rep):
    pool = default_pool()
    Pool.objects.filter(pk=pool.pk).update(max_claims_per_day=5, reclaim_lockout_days=15)
    with pool_limits_lifted():
        lifted = Pool.objects.get(pk=pool.pk)
        assert (lifted.max_claims_per_day, lifted.reclaim_lockout_days) == (1_000_000, 0)
    restored = Pool.objects.get(pk=pool.pk)
    assert (restored.max_owned, restored.max_claims_per_day, restored.reclaim_lockout_days) == (
        pool.max_owned, 5, 15,
    )  # fmt: skip


@pytest.mark.django_db
def test_a_refused_write_says_why(rep, director, write_data):
    claim = write_operations(rep, director, write_data["detail"])["pool_claim_rep"]
    assert claim.write is not None
    # Limits not lifted: after one claim and release the rep is locked out of the account.
    Pool.objects.filter(pk=default_pool().pk).update(max_claims_per_day=1)
    client = logged_in(rep)
    post(client, claim.write)
    with claim.write.steps() as step:
        response = client.post(step.path, step.form, headers=claim.write.headers)
    refusal = claim.write.refusal(response.status_code, response.content)
    assert refusal.startswith("answered 200: ")
    assert len(refusal) > len("answered 200: ")


def test_refusal_reads_status_marker_and_message():
    def steps() -> nullcontext[Step]:
        return nullcontext(Step("/", {}))

    htmx = Write(steps, accepted_status=200, refusal_marker=b'data-testid="claim-error"')
    assert htmx.refusal(200, b'<span data-testid="claim-ok">ok</span>') == ""
    fragment = b'<small class="flag" role="alert" data-testid="claim-error">limit reached</small>'
    assert htmx.refusal(200, fragment) == "answered 200: limit reached"
    page = Write(steps, accepted_status=302)
    assert page.refusal(302, b"") == ""
    gate = b'<div class="form-errors" data-testid="move-errors"><p>missing gate</p></div>'
    assert page.refusal(422, gate) == "answered 422: missing gate"
    field = b'<p class="error" data-field="subject">required</p>'
    assert page.refusal(200, field) == "answered 200: required"
