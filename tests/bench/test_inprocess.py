from typing import cast

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.inprocess import (
    capture_statements,
    profile,
    raw_sql_ms,
    replayable,
    without_outer_savepoint,
)
from bench.operations import Auth, Persona, Personas, plan
from kam.accounts.models import Account
from kam.core.pagination import PAGE_SIZE
from kam.demo.people import DEMO_PASSWORD
from kam.users.enums import Role
from kam.users.models import User
from tests.conftest import client_for
from tests.factories import AccountFactory, InteractionFactory, UserFactory

LIST = "/accounts/"


def make_accounts(owner: User, count: int) -> list[Account]:
    return cast(list[Account], AccountFactory.create_batch(count, owner=owner))


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    client.get(LIST)  # warm caches (content types, session) as a running server has them
    return client


@pytest.mark.django_db
def test_query_count_of_the_account_list_is_that_of_the_page(rep, django_assert_num_queries):
    make_accounts(rep, 3)
    client = logged_in(rep)
    with CaptureQueriesContext(connection) as page:
        client.get(LIST)
    measured = profile(client, LIST, repeats=3)
    assert measured.queries == len(page.captured_queries)
    assert any('FROM "accounts_account"' in sql for sql in measured.statements)
    with django_assert_num_queries(measured.queries):
        client.get(LIST)


@pytest.mark.django_db
def test_captured_statements_run_again_as_raw_sql(rep):
    """The inlined parameters make the captured SQL executable on its own (Chinese names
    included)."""
    make_accounts(rep, 2)
    statements = capture_statements(logged_in(rep), LIST)
    with connection.cursor() as cursor:
        account_query = next(s for s in statements if 'FROM "accounts_account"' in s)
        cursor.execute(account_query)
        assert len(cursor.fetchall()) == 2
    assert isinstance(raw_sql_ms(statements, repeats=2), float)


@pytest.mark.django_db
def test_plan_skips_what_the_data_set_lacks(team_one):
    rep = cast(User, UserFactory(username="s_rep0001", team=team_one, password=DEMO_PASSWORD))
    director = cast(
        User, UserFactory(username="s_dir01", role=Role.SALES_DIRECTOR, password=DEMO_PASSWORD)
    )
    account = make_accounts(rep, 1)[0]
    scale = {"accounts": 1, "contacts": 0, "interactions": 0, "opportunities": 0,
             "contracts": 0, "milestones": 0}  # fmt: skip
    operations, skipped = plan(Personas(rep=rep, director=director), scale)
    by_name = {op.name: op for op in operations}
    assert by_name["account_detail_rep"].path == f"/accounts/{account.pk}/"
    assert by_name["api_accounts_50_rep"].auth is Auth.TOKEN
    assert by_name["battle_map_director"].persona is Persona.DIRECTOR
    assert by_name["home_director"].path == by_name["home_rep"].path == "/"
    assert by_name["interaction_list_rep"].list_page
    assert {s.name for s in skipped} == {
        "account_list_page2000_director", "opportunity_board_team_director",
        "opportunity_board_rep", "opportunity_list_rep", "opportunity_list_director",
        "api_opportunities_50_rep", "contract_list_rep", "contract_list_director",
        "checklist_gaps_rep", "checklist_gaps_director", "billing_dashboard_director",
        "billing_aging_director", "battle_map_export_director",
        "pool_claim_rep", "interaction_log_rep", "opportunity_stage_move_rep",
    }  # fmt: skip
    assert not set(by_name) & {s.name for s in skipped}


@pytest.mark.django_db
def test_the_account_page_is_measured_with_what_htmx_loads_into_it(rep, director):
    quiet, busy = make_accounts(rep, 2)
    InteractionFactory.create_batch(3, account=busy, created_by=rep)
    InteractionFactory(account=quiet, created_by=rep)
    scale = {"accounts": 2, "contacts": 0, "interactions": 4, "opportunities": 0,
             "contracts": 0, "milestones": 0}  # fmt: skip

    operations, _skipped = plan(Personas(rep=rep, director=director), scale)

    by_name = {op.name: op for op in operations}
    assert by_name["account_detail_rep"].path == f"/accounts/{busy.pk}/"
    assert by_name["account_detail_rep"].headers == {}
    fragments = ["account_people_rep", "account_timeline_rep", "account_history_rep"]
    for name in fragments:
        assert by_name[name].headers == {"HX-Request": "true"}
        assert by_name[name].persona is Persona.REP
    page = client_for(rep).get(by_name["account_detail_rep"].path).content.decode()
    for name in fragments:  # the very URLs the page asks for
        assert f'hx-get="{by_name[name].path}"' in page
    assert (
        b'data-kind="interaction"'
        in client_for(rep)
        .get(by_name["account_timeline_rep"].path, headers=by_name["account_timeline_rep"].headers)
        .content
    )


@pytest.mark.django_db
def test_plan_takes_the_directors_last_page_when_page_2000_does_not_exist(team_one):
    rep = cast(User, UserFactory(username="s_rep0001", team=team_one, password=DEMO_PASSWORD))
    director = cast(
        User, UserFactory(username="s_dir01", role=Role.SALES_DIRECTOR, password=DEMO_PASSWORD)
    )
    make_accounts(director, 2 * PAGE_SIZE + 1)
    make_accounts(rep, 1)  # not the director's: does not count
    scale = {"accounts": 2 * PAGE_SIZE + 2, "contacts": 0, "interactions": 0,
             "opportunities": 0, "contracts": 0, "milestones": 0}  # fmt: skip
    operations, _skipped = plan(Personas(rep=rep, director=director), scale)
    deep = [op for op in operations if op.name.startswith("account_list_page3_")]
    assert [op.path for op in deep] == ["/accounts/?page=3"]


def test_server_side_cursor_declarations_replay_as_their_select():
    select = 'SELECT "users_user"."id" FROM "users_user" WHERE "users_user"."is_active"'
    assert replayable(f'DECLARE "_django_curs_1_sync_7" NO SCROLL CURSOR FOR {select}') == select
    assert replayable(f'DECLARE "c" CURSOR WITH HOLD FOR {select}') == select
    assert replayable(select) == select


@pytest.mark.django_db
def test_plan_without_accounts_still_has_the_money_operations(team_one):
    rep = cast(User, UserFactory(username="s_rep0001", team=team_one))
    director = cast(User, UserFactory(username="s_dir01", role=Role.SALES_DIRECTOR))
    scale = {"accounts": 100_000, "contacts": 0, "interactions": 0, "opportunities": 1,
             "contracts": 1, "milestones": 0}  # fmt: skip
    operations, skipped = plan(Personas(rep=rep, director=director), scale)
    export = next(op for op in operations if op.name == "battle_map_export_director")
    assert export.subset_path == f"/battle-map/export/?owner={rep.pk}"
    # No account at all: no detail page, nothing to claim, log or move.
    assert {s.name for s in skipped} == {
        "account_detail_rep", "pool_claim_rep", "interaction_log_rep",
        "opportunity_stage_move_rep", "account_list_page2000_director",
    }  # fmt: skip


def test_only_the_outermost_savepoint_is_left_out_of_a_writes_statements():
    statements = [
        "SELECT 1", 'SAVEPOINT "s1_x1"', "UPDATE a", 'SAVEPOINT "s1_x2"', "INSERT b",
        'RELEASE SAVEPOINT "s1_x2"', "INSERT c", 'RELEASE SAVEPOINT "s1_x1"', "SELECT 2",
    ]  # fmt: skip
    assert without_outer_savepoint(statements) == [
        "SELECT 1", "UPDATE a", 'SAVEPOINT "s1_x2"', "INSERT b", 'RELEASE SAVEPOINT "s1_x2"',
        "INSERT c", "SELECT 2",
    ]  # fmt: skip
    assert without_outer_savepoint(["SELECT 1"]) == ["SELECT 1"]
