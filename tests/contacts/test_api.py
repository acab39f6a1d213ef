import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kam.audit.models import FieldChange
from kam.contacts.enums import Attitude, DecisionRole
from kam.contacts.models import Contact, ScoreChange
from kam.contacts.services import contact_update_scores
from kam.users.services import api_token_create
from tests.factories import AccountFactory, AccountTeamMemberFactory, ContactFactory


def _api(user) -> Client:
    _token, key = api_token_create(user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _post(client, url, payload):
    return client.post(url, json.dumps(payload), content_type="application/json")


def _patch(client, url, payload):
    return client.patch(url, json.dumps(payload), content_type="application/json")


@pytest.fixture
def account(rep):
    return AccountFactory(owner=rep)


def test_api_requires_token(db):
    assert Client().get("/api/contacts/").status_code == 401
    bad = Client(HTTP_AUTHORIZATION="Bearer nope")
    assert bad.get("/api/contacts/").status_code == 401


def test_api_list_filters_and_visibility(rep, other_rep, account):
    ContactFactory(account=account, name="甲", decision_role=DecisionRole.DECISION_MAKER)
    ContactFactory(account=account, name="乙", attitude=Attitude.OPPONENT)
    ContactFactory(account=AccountFactory(owner=other_rep), name="丙")
    client = _api(rep)

    data = client.get("/api/contacts/").json()
    assert [c["name"] for c in data["items"]] == ["乙", "甲"]
    assert data["next_offset"] is None
    assert [c["name"] for c in client.get(
        "/api/contacts/", {"decision_role": "decision_maker"}
    ).json()["items"]] == ["甲"]  # fmt: skip
    assert [c["name"] for c in client.get(
        "/api/contacts/", {"attitude": "opponent"}
    ).json()["items"]] == ["乙"]  # fmt: skip
    assert client.get("/api/contacts/", {"q": "甲"}).json()["items"][0]["name"] == "甲"
    assert client.get("/api/contacts/", {"account_id": account.pk}).json()["items"]
    page = client.get("/api/contacts/", {"limit": 1}).json()
    assert len(page["items"]) == 1 and page["next_offset"] == 1
    assert client.get("/api/contacts/", {"limit": 101}).status_code == 422


def test_api_list_query_count_constant(rep, account, django_assert_max_num_queries):
    client = _api(rep)
    ContactFactory(account=account)
    client.get("/api/contacts/")
    with CaptureQueriesContext(connection) as ctx:
        client.get("/api/contacts/")
    ContactFactory(account=account)
    ContactFactory(account=account)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        assert len(client.get("/api/contacts/").json()["items"]) == 3


def test_api_get_with_score_history(rep, account):
    contact = ContactFactory(account=account, name="李主任")
    contact_update_scores(
        contact=contact, closeness=3, solution_acceptance=4, price_acceptance=2, note="见面",
        actor=rep,
    )  # fmt: skip
    data = _api(rep).get(f"/api/contacts/{contact.pk}").json()
    assert data["name"] == "李主任"
    assert (data["closeness"], data["solution_acceptance"], data["price_acceptance"]) == (3, 4, 2)
    assert data["score_history"][0]["note"] == "见面"
    assert data["version"] == 1


def test_api_get_invisible_is_404(other_rep, account):
    contact = ContactFactory(account=account)
    assert _api(other_rep).get(f"/api/contacts/{contact.pk}").status_code == 404
    response = _patch(_api(other_rep), f"/api/contacts/{contact.pk}", {"version": 0, "name": "x"})
    assert response.status_code == 404


def test_api_create(rep, account):
    boss = ContactFactory(account=account)
    response = _post(
        _api(rep),
        "/api/contacts/",
        {"account_id": account.pk, "name": "赵科长", "phone": "13912345678",
         "reports_to_id": boss.pk, "closeness": 4, "decision_role": "technical"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    created = Contact.objects.get(pk=response.json()["id"])
    assert (created.name, created.reports_to, created.closeness) == ("赵科长", boss, 4)
    assert created.attitude == Attitude.NEUTRAL
    assert ScoreChange.objects.filter(contact=created).count() == 1


def test_api_create_field_errors_are_422(rep, account):
    stranger = ContactFactory(account=AccountFactory(owner=rep))
    response = _post(
        _api(rep),
        "/api/contacts/",
        {"account_id": account.pk, "name": "坏数据", "phone": "abc", "email": "x@",
         "closeness": 8, "reports_to_id": stranger.pk},
    )  # fmt: skip
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"phone", "email", "closeness", "reports_to"} <= set(errors)
    assert not Contact.objects.filter(name="坏数据").exists()


def test_api_create_on_invisible_account_404_and_read_only_403(rep, other_rep, colleague, account):
    assert _post(
        _api(other_rep), "/api/contacts/", {"account_id": account.pk, "name": "x"}
    ).status_code == 404  # fmt: skip
    AccountTeamMemberFactory(account=account, user=colleague)
    assert _post(
        _api(colleague), "/api/contacts/", {"account_id": account.pk, "name": "x"}
    ).status_code == 403  # fmt: skip
    assert not Contact.objects.exists()


def test_api_patch_updates_with_version(rep, account):
    contact = ContactFactory(account=account, name="孙工", title="工程师")
    client = _api(rep)
    response = _patch(
        client, f"/api/contacts/{contact.pk}", {"version": 0, "title": "总工", "closeness": 3}
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 1
    contact.refresh_from_db()
    assert (contact.name, contact.title, contact.closeness) == ("孙工", "总工", 3)
    assert set(FieldChange.objects.values_list("field", flat=True)) == {"title", "closeness"}
    assert ScoreChange.objects.filter(contact=contact).count() == 1

    stale = _patch(client, f"/api/contacts/{contact.pk}", {"version": 0, "title": "旧"})
    assert stale.status_code == 422
    assert "已被他人修改" in json.dumps(stale.json(), ensure_ascii=False)
    contact.refresh_from_db()
    assert contact.title == "总工"


def test_api_patch_validation_and_read_only(rep, colleague, account):
    contact = ContactFactory(account=account)
    bad = _patch(_api(rep), f"/api/contacts/{contact.pk}", {"version": 0, "attitude": "angry"})
    assert bad.status_code == 422
    assert "attitude" in bad.json()["errors"]
    AccountTeamMemberFactory(account=account, user=colleague)
    response = _patch(_api(colleague), f"/api/contacts/{contact.pk}", {"version": 0, "name": "x"})
    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.version == 0
