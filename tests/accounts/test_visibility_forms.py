"""`account_visibility_q` states one rule in two forms: joined to the account row (point
lookups, lists of accounts) and as membership in sets of account ids (scans of other tables,
`as_id_sets=True`). Both must select exactly the same rows for every role and every way an
account becomes visible."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone

from kam.accounts.models import Account
from kam.accounts.rules import (
    account_visibility_q,
    list_gathers_by_id_sets,
    visibility_is_narrow,
)
from kam.interactions.models import Interaction
from kam.opportunities.models import OpportunityTeamMember
from kam.pools.models import Placement
from kam.pools.services.protection import default_pool
from tests.conftest import PERSONAS
from tests.factories import (
    AccountFactory,
    AccountTeamMemberFactory,
    ApprovalFactory,
    ApprovalStepFactory,
    InteractionFactory,
    OpportunityFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(rep, other_rep, colleague, solution_manager, manager):
    """One account per way in: owned, someone else's, in the pool (no owner), on the account
    team, on a deal's team, under an approval, lapsed in the pool; one interaction each."""
    accounts = [
        AccountFactory(name="自有客户", owner=rep),
        AccountFactory(name="他人客户", owner=other_rep),
        AccountFactory(name="公海客户", owner=None),
    ]
    on_team = AccountFactory(name="协作客户", owner=other_rep)
    AccountTeamMemberFactory(account=on_team, user=solution_manager, role="solution")
    on_deal = AccountFactory(name="商机团队客户", owner=other_rep)
    OpportunityTeamMember.objects.create(
        opportunity=OpportunityFactory(account=on_deal, owner=other_rep), user=colleague,
        role="solution",
    )  # fmt: skip
    approved = AccountFactory(name="审批客户", owner=other_rep)
    ApprovalStepFactory(approval=ApprovalFactory(account=approved), approver=manager)
    lapsed = AccountFactory(name="保护期满客户", owner=other_rep)
    Placement.objects.create(
        account=lapsed, pool=default_pool(), protected_until=timezone.now() - timedelta(days=1)
    )
    accounts += [on_team, on_deal, approved, lapsed]
    for account in accounts:
        InteractionFactory(account=account, created_by=account.owner or rep)
    return accounts


@pytest.mark.parametrize("role", PERSONAS)
def test_both_forms_select_the_same_accounts_and_records(request, world, role):
    user = request.getfixturevalue(role)
    joined = set(Account.objects.filter(account_visibility_q(user)).values_list("pk", flat=True))
    by_ids = set(
        Account.objects.filter(account_visibility_q(user, as_id_sets=True)).values_list(
            "pk", flat=True
        )
    )
    assert joined == by_ids
    notes = Interaction.objects.values_list("account_id", flat=True)
    assert set(notes.filter(account_visibility_q(user, "account__"))) == joined
    assert set(notes.filter(account_visibility_q(user, "account__", as_id_sets=True))) == joined


def test_the_world_reaches_every_way_in(world, rep, solution_manager, colleague, manager):
    def names(user):
        return set(
            Account.objects.filter(account_visibility_q(user)).values_list("name", flat=True)
        )

    assert names(rep) == {"自有客户", "公海客户", "保护期满客户"}
    assert "协作客户" in names(solution_manager)
    assert "商机团队客户" in names(colleague)
    assert {"审批客户", "自有客户"} <= names(manager)


def test_a_rep_alone_is_narrow_and_anyone_with_reports_or_the_whole_company_is_not(
    rep, solution_manager, manager, director, gm, finance
):
    # On SQLite, lists pick the id-set form for a narrow user and the joined form for the
    # others; on PostgreSQL the id-set form for everyone. Both select the same rows (above),
    # so this decides speed only.
    assert visibility_is_narrow(rep) and visibility_is_narrow(solution_manager)
    assert visibility_is_narrow(finance)  # owns no accounts; sees contracts by its own rule
    assert not visibility_is_narrow(manager) and not visibility_is_narrow(director)
    assert not visibility_is_narrow(gm)
    assert not visibility_is_narrow(AnonymousUser())
    on_postgresql = connection.vendor == "postgresql"
    assert list_gathers_by_id_sets(rep)
    assert list_gathers_by_id_sets(manager) == list_gathers_by_id_sets(director) == on_postgresql
