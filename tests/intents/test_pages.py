from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kam.intents.models import IntentThresholds
from kam.users.services import api_token_create
from tests.conftest import client_for
from tests.factories import AccountFactory, LeadFactory, OpportunityFactory, UserFactory
from tests.intents.conftest import change_add


def _board_owners(response):
    return [row.owner.username for row in response.context["rows"]]


@pytest.fixture
def boards(rep, colleague, other_rep):
    today = timezone.localdate()
    deal = OpportunityFactory(account=AccountFactory(owner=rep), intent_class="A",
                              amount=Decimal("1234567.00"),
                              expected_sign_date=today + timedelta(days=40))  # fmt: skip
    change_add(subject=deal, from_class="B", to_class="A",
               at=timezone.now() - timedelta(days=3))  # fmt: skip
    OpportunityFactory(account=deal.account, intent_class="B")
    OpportunityFactory(account=deal.account, intent_class="A",
                       closed_at=timezone.now())  # closed: not on the board  # fmt: skip
    LeadFactory(owner=colleague, intent_class="A", company_name="周的线索")
    LeadFactory(owner=colleague, intent_class="C")
    OpportunityFactory(account=AccountFactory(owner=other_rep), intent_class="A",
                       name="二组项目")  # fmt: skip
    return deal


def test_manager_sees_each_reps_a_list_and_counts(manager, boards):
    response = client_for(manager).get("/intents/")
    assert response.status_code == 200
    rows = {row.owner.username: row for row in response.context["rows"]}
    assert set(rows) == {"rep", "colleague"}
    assert rows["rep"].counts == {"A": 1, "B": 1, "C": 0}
    assert rows["colleague"].counts == {"A": 1, "B": 0, "C": 1}
    item = rows["rep"].items[0]
    assert (item.pk, item.days_in_a, item.contradicts) == (boards.pk, 3, True)
    content = response.content.decode()
    assert "1,234,567.00" in content and "二组项目" not in content
    assert "与预计签约日期不符" in content and "周的线索" in content


@pytest.mark.parametrize(
    ("persona", "owners"),
    [
        ("rep", {"rep"}),
        ("colleague", {"colleague"}),
        ("other_rep", {"other_rep"}),
        ("other_manager", {"other_rep"}),
        ("director", {"rep", "colleague", "other_rep"}),
        ("gm", {"rep", "colleague", "other_rep"}),
        ("admin_user", {"rep", "colleague", "other_rep"}),
        ("finance", set()),
    ],
)
def test_board_scope_per_role(request, boards, persona, owners):
    response = client_for(request.getfixturevalue(persona)).get("/intents/")
    assert set(_board_owners(response)) == owners


def test_board_filters_by_team_and_ignores_teams_out_of_scope(director, manager, boards, team_two):
    response = client_for(director).get("/intents/", {"team": team_two.pk})
    assert _board_owners(response) == ["other_rep"]
    response = client_for(manager).get("/intents/", {"team": team_two.pk})
    # team two is not on the manager's board: the filter is refused and nothing of it leaks
    assert set(_board_owners(response)) == {"rep", "colleague"}


def test_board_empty_state(rep):
    response = client_for(rep).get("/intents/")
    assert "还没有分级的商机或线索" in response.content.decode()


def _rep_with_a_rows(manager, username):
    person = UserFactory(username=username, team=manager.team, manager=manager)
    deal = OpportunityFactory(account=AccountFactory(owner=person), intent_class="A")
    change_add(subject=deal, from_class="B", to_class="A")
    LeadFactory(owner=person, intent_class="A")
    OpportunityFactory(account=deal.account, intent_class="C")


@pytest.mark.parametrize("path", ["/intents/", "/api/intents/board"])
def test_board_query_count_does_not_grow_with_reps(manager, path):
    _token, key = api_token_create(user=manager, name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if path.startswith("/api") else {}
    client = client_for(manager)
    _rep_with_a_rows(manager, "r1")
    client.get(path, **headers)  # warm the per-process caches (content types, calendar)
    with CaptureQueriesContext(connection) as one:
        assert client.get(path, **headers).status_code == 200
    _rep_with_a_rows(manager, "r2")
    _rep_with_a_rows(manager, "r3")
    with CaptureQueriesContext(connection) as three:
        response = client.get(path, **headers)
    assert len(three) == len(one)
    if path.startswith("/api"):
        assert len(response.json()["reps"]) == 3
    else:
        assert len(response.context["rows"]) == 3


def test_thresholds_page_edit_by_director(director):
    client = client_for(director)
    assert 'data-testid="save-thresholds"' in client.get("/intents/thresholds/").content.decode()
    data = {"a_days": 5, "b_days": 12, "c_days": 25, "stale_a_days": 3,
            "quiet_team_working_days": 2}  # fmt: skip
    response = client.post("/intents/thresholds/", data)
    assert response.status_code == 302
    assert IntentThresholds.objects.get().b_days == 12


def test_thresholds_page_shows_service_errors(gm):
    data = {"a_days": 9, "b_days": 8, "c_days": 25, "stale_a_days": 3,
            "quiet_team_working_days": 2}  # fmt: skip
    response = client_for(gm).post("/intents/thresholds/", data)
    assert response.status_code == 200
    assert "B 类天数必须大于 A 类天数。" in response.content.decode()
    assert IntentThresholds.objects.get().a_days == 7


def test_thresholds_page_read_only_for_rep_and_post_refused(rep, manager):
    client = client_for(rep)
    content = client.get("/intents/thresholds/").content.decode()
    assert 'data-testid="read-only"' in content and "disabled" in content
    data = {"a_days": 1, "b_days": 2, "c_days": 3, "stale_a_days": 1, "quiet_team_working_days": 1}
    assert client.post("/intents/thresholds/", data).status_code == 403
    assert client_for(manager).post("/intents/thresholds/", data).status_code == 403
    assert IntentThresholds.objects.get().a_days == 7


def test_opportunity_panel_shows_suggestion_contradiction_and_history(rep, boards):
    response = client_for(rep).get(f"/intents/opportunities/{boards.pk}/")
    content = response.content.decode()
    assert 'data-testid="intent-contradiction"' in content
    assert 'data-testid="intent-history"' in content and "B → A" in content


def test_opportunity_page_offers_the_intent_panel(rep, boards):
    content = client_for(rep).get(f"/opportunities/{boards.pk}/").content.decode()
    assert f"/intents/opportunities/{boards.pk}/" in content


def test_lead_page_includes_the_history_section(rep):
    lead = LeadFactory(owner=rep, intent_class="A")
    change_add(subject=lead, from_class="C", to_class="A")
    content = client_for(rep).get(f"/leads/{lead.pk}/").content.decode()
    assert f"/intents/leads/{lead.pk}/" in content
    panel = client_for(rep).get(f"/intents/leads/{lead.pk}/").content.decode()
    assert "C → A" in panel and "intent-contradiction" not in panel


def test_panels_hide_other_teams_rows(other_rep, boards):
    lead = LeadFactory(owner=boards.owner, intent_class="A")
    client = client_for(other_rep)
    assert client.get(f"/intents/opportunities/{boards.pk}/").status_code == 404
    assert client.get(f"/intents/leads/{lead.pk}/").status_code == 404
