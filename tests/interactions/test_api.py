import pytest
from django.test import Client

from kam.audit.models import FieldChange
from kam.interactions.models import Interaction
from kam.users.services import api_token_create
from tests.factories import InteractionFactory
from tests.interactions.conftest import at

BASE = "/api/interactions"


def api_client(user) -> tuple[Client, dict[str, str]]:
    _token, key = api_token_create(user=user, name="t")
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _payload(account, **overrides):
    data = {
        "account_id": account.pk,
        "kind": "call",
        "occurred_at": "2026-11-10T10:30:00+08:00",
        "subject": "电话沟通",
        "outcome": "约下周拜访",
    }
    data.update(overrides)
    return data


def test_api_requires_token(account):
    assert Client().get(f"{BASE}/").status_code == 401


def test_api_create_logs_interaction(account, rep, zhang):
    client, auth = api_client(rep)
    response = client.post(
        f"{BASE}/", _payload(account, their_participants=[zhang.pk]),
        content_type="application/json", **auth,
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    interaction = Interaction.objects.get()
    assert body["id"] == interaction.pk
    assert body["our_participants"] == [{"id": rep.pk, "name": "李销售"}]
    assert body["their_participants"][0]["name"] == "张伟"
    assert interaction.occurred_at == at(10).replace(minute=30)
    zhang.refresh_from_db()
    assert zhang.last_contact_at == interaction.occurred_at


def test_api_create_validation_errors_are_422_by_field(account, rep, wang):
    client, auth = api_client(rep)
    response = client.post(
        f"{BASE}/", _payload(account, subject="", kind="reception"),
        content_type="application/json", **auth,
    )  # fmt: skip
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "subject" in errors
    # A contact of an account the rep can't see is just "not a valid choice".
    response = client.post(
        f"{BASE}/", _payload(account, their_participants=[wang.pk]),
        content_type="application/json", **auth,
    )  # fmt: skip
    assert response.status_code == 422
    assert "their_participants" in response.json()["errors"]
    assert not Interaction.objects.exists()


def test_api_create_refuses_contact_of_other_visible_account(account, rep, manager, zhang):
    from tests.factories import AccountFactory, ContactFactory

    second = AccountFactory(owner=rep)
    stranger = ContactFactory(account=second, name="赵六")
    client, auth = api_client(rep)
    response = client.post(
        f"{BASE}/", _payload(account, their_participants=[zhang.pk, stranger.pk]),
        content_type="application/json", **auth,
    )  # fmt: skip
    assert response.status_code == 422
    assert "赵六" in response.json()["errors"]["their_participants"][0]


def test_api_create_on_invisible_account_is_404(account, other_rep):
    client, auth = api_client(other_rep)
    response = client.post(f"{BASE}/", _payload(account), content_type="application/json", **auth)
    assert response.status_code == 404
    assert not Interaction.objects.exists()


def test_api_create_by_team_member(account, team_member):
    client, auth = api_client(team_member)
    response = client.post(f"{BASE}/", _payload(account), content_type="application/json", **auth)
    assert response.status_code == 201


def test_api_list_filters_and_pages(account, other_account, rep):
    for day in range(1, 4):
        InteractionFactory(account=account, occurred_at=at(day), kind="visit")
    InteractionFactory(account=account, occurred_at=at(5), kind="call")
    InteractionFactory(account=other_account, occurred_at=at(6))
    client, auth = api_client(rep)

    body = client.get(f"{BASE}/", {"limit": 2}, **auth).json()
    assert len(body["items"]) == 2 and body["next_offset"] == 2
    assert body["items"][0]["kind"] == "call"
    rest = client.get(f"{BASE}/", {"limit": 2, "offset": 2}, **auth).json()
    assert len(rest["items"]) == 2 and rest["next_offset"] is None
    assert client.get(f"{BASE}/", {"kind": "call"}, **auth).json()["items"][0]["kind"] == "call"
    dated = client.get(f"{BASE}/", {"date_from": "2026-11-02", "date_to": "2026-11-03"}, **auth)
    assert len(dated.json()["items"]) == 2
    by_author = client.get(f"{BASE}/", {"created_by_id": rep.pk}, **auth).json()
    assert len(by_author["items"]) == 4
    other = client.get(f"{BASE}/", {"account_id": other_account.pk}, **auth).json()
    assert other["items"] == []


@pytest.mark.parametrize("count", [1, 3])
def test_api_list_query_count_is_constant(account, rep, zhang, count, django_assert_num_queries):
    for n in range(count):
        interaction = InteractionFactory(account=account, occurred_at=at(n + 1))
        interaction.their_participants.set([zhang])
        interaction.our_participants.set([rep])
    client, auth = api_client(rep)
    # token, token touch, reports-to walk, the page, two participant prefetches
    with django_assert_num_queries(6):
        body = client.get(f"{BASE}/", **auth).json()
    assert len(body["items"]) == count


def test_api_get_visible_and_404_when_not(account, rep, other_rep, manager):
    interaction = InteractionFactory(account=account)
    client, auth = api_client(rep)
    assert client.get(f"{BASE}/{interaction.pk}", **auth).json()["subject"] == interaction.subject
    client, auth = api_client(manager)
    assert client.get(f"{BASE}/{interaction.pk}", **auth).status_code == 200
    client, auth = api_client(other_rep)
    assert client.get(f"{BASE}/{interaction.pk}", **auth).status_code == 404


def test_api_patch_changes_only_sent_fields_with_version(account, rep, zhang):
    interaction = InteractionFactory(account=account, outcome="初步认可")
    interaction.their_participants.set([zhang])
    client, auth = api_client(rep)
    response = client.patch(
        f"{BASE}/{interaction.pk}", {"version": 0, "subject": "改了主题"},
        content_type="application/json", **auth,
    )  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["subject"] == "改了主题" and body["version"] == 1
    assert body["outcome"] == "初步认可"
    assert [c["id"] for c in body["their_participants"]] == [zhang.pk]
    assert FieldChange.objects.filter(object_id=interaction.pk, field="subject").exists()

    stale = client.patch(
        f"{BASE}/{interaction.pk}", {"version": 0, "subject": "又改"},
        content_type="application/json", **auth,
    )  # fmt: skip
    assert stale.status_code == 422
    assert "已被他人修改" in stale.json()["errors"]["__all__"][0]
    interaction.refresh_from_db()
    assert interaction.subject == "改了主题"


def test_api_patch_forbidden_for_team_member_and_404_for_stranger(
    account, rep, team_member, other_rep
):
    interaction = InteractionFactory(account=account)
    client, auth = api_client(team_member)
    response = client.patch(
        f"{BASE}/{interaction.pk}", {"version": 0, "subject": "x"},
        content_type="application/json", **auth,
    )  # fmt: skip
    assert response.status_code == 403
    client, auth = api_client(other_rep)
    response = client.patch(
        f"{BASE}/{interaction.pk}", {"version": 0, "subject": "x"},
        content_type="application/json", **auth,
    )  # fmt: skip
    assert response.status_code == 404
    interaction.refresh_from_db()
    assert interaction.version == 0


def test_api_timeline(account, rep, other_rep, zhang):
    InteractionFactory(account=account, subject="首次拜访", occurred_at=at(1))
    client, auth = api_client(rep)
    body = client.get(f"{BASE}/timeline/{account.pk}", **auth).json()
    assert [i["title"] for i in body["items"]] == ["首次拜访"]
    assert body["next_before"] is None
    client, auth = api_client(other_rep)
    assert client.get(f"{BASE}/timeline/{account.pk}", **auth).status_code == 404
