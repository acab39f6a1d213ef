"""/api/deals/{id}/…: same services, rights and visibility as the panels."""

import json

import pytest
from django.test import Client

from kam.assessments.models import ActionItem, Assessment, DealContact
from kam.core.versioning import STALE_MESSAGE
from kam.users.services import api_token_create
from tests.factories import AccountFactory, ActionItemFactory, ContactFactory, DealContactFactory

pytestmark = pytest.mark.django_db


def _api(user) -> Client:
    _token, key = api_token_create(user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _send(client, method, url, payload=None):
    return getattr(client, method)(url, json.dumps(payload or {}), content_type="application/json")


def base(opp) -> str:
    return f"/api/deals/{opp.pk}"


def test_requires_token(opp):
    assert Client().get(f"{base(opp)}/risk").status_code == 401


@pytest.mark.parametrize("path", ["assessment", "deal-contacts", "actions", "risk"])
def test_other_team_gets_404(opp, other_rep, path):
    assert _api(other_rep).get(f"{base(opp)}/{path}").status_code == 404


def test_assessment_get_put_and_stale(opp, rep, manager):
    client = _api(rep)
    empty = client.get(f"{base(opp)}/assessment").json()
    assert empty["version"] == 0 and empty["total_score"] is None
    payload = {"version": 0, "real_score": 4, "compete_score": 4, "win_score": 3,
               "worth_score": 5, "competitive_strategy": "以服务取胜"}  # fmt: skip
    response = _send(client, "put", f"{base(opp)}/assessment", payload)
    assert response.status_code == 200
    body = response.json()
    assert body["total_score"] == 16 and body["is_complete"] and body["version"] == 1
    _send(_api(manager), "put", f"{base(opp)}/assessment", {"version": 1, "win_note": "主管补充"})
    stale = _send(client, "put", f"{base(opp)}/assessment", {"version": 1, "win_score": 1})
    assert stale.status_code == 422
    assert stale.json()["errors"]["version"] == [str(STALE_MESSAGE)]
    assert Assessment.objects.get().win_score == 3


@pytest.mark.parametrize("bad", [2.0, "3", True, 6])
def test_assessment_rejects_non_integer_scores(opp, rep, bad):
    response = _send(_api(rep), "put", f"{base(opp)}/assessment", {"version": 0, "real_score": bad})
    assert response.status_code == 422
    assert not Assessment.objects.exists()


def test_assessment_put_forbidden_for_team_member(opp, team_member):
    response = _send(_api(team_member), "put", f"{base(opp)}/assessment", {"version": 0})
    assert response.status_code == 403
    assert _api(team_member).get(f"{base(opp)}/assessment").status_code == 200


def test_deal_contacts_crud(opp, rep):
    client = _api(rep)
    contact = ContactFactory(account=opp.account, decision_role="decision_maker",
                             influence="high", price_acceptance=2, closeness=4)  # fmt: skip
    created = _send(client, "post", f"{base(opp)}/deal-contacts", {"contact_id": contact.pk})
    assert created.status_code == 201
    row = created.json()
    assert row["role_in_deal"] == "decision_maker" and row["price_acceptance"] == 2
    assert row["closeness"] == 4
    stranger = ContactFactory(account=AccountFactory(owner=rep))
    refused = _send(client, "post", f"{base(opp)}/deal-contacts", {"contact_id": stranger.pk})
    assert refused.status_code == 422 and "contact_id" in refused.json()["errors"]

    patched = _send(
        client, "patch", f"{base(opp)}/deal-contacts/{row['id']}",
        {"version": 0, "attitude": "supporter", "relationship_strategy": "每月拜访"},
    )  # fmt: skip
    assert patched.status_code == 200 and patched.json()["version"] == 1
    stale = _send(client, "patch", f"{base(opp)}/deal-contacts/{row['id']}", {"version": 0})
    assert stale.status_code == 422 and "version" in stale.json()["errors"]
    invalid = _send(
        client, "patch", f"{base(opp)}/deal-contacts/{row['id']}", {"version": 1, "attitude": "x"}
    )
    assert invalid.status_code == 422 and "attitude" in invalid.json()["errors"]

    ContactFactory(account=opp.account, name="新人")
    everyone = _send(client, "post", f"{base(opp)}/deal-contacts/key-people")
    assert everyone.status_code == 201 and len(everyone.json()) == 2
    assert len(client.get(f"{base(opp)}/deal-contacts").json()) == 2

    assert client.delete(f"{base(opp)}/deal-contacts/{row['id']}").status_code == 204
    assert DealContact.objects.count() == 1


def test_deal_contact_of_another_deal_is_404(opp, rep):
    other = DealContactFactory()
    response = _send(_api(rep), "patch", f"{base(opp)}/deal-contacts/{other.pk}", {"version": 0})
    assert response.status_code == 404


def test_actions_crud(opp, rep, team_member, other_rep):
    client = _api(team_member)
    created = _send(
        client, "post", f"{base(opp)}/actions",
        {"title": "安排演示", "owner_id": rep.pk, "due_date": "2020-01-01"},
    )  # fmt: skip
    assert created.status_code == 201
    item = created.json()
    assert item["overdue"] is True and item["done"] is False
    refused = _send(
        client, "post", f"{base(opp)}/actions",
        {"title": "x", "owner_id": other_rep.pk, "due_date": "2026-12-01"},
    )  # fmt: skip
    assert refused.status_code == 422 and "owner_id" in refused.json()["errors"]

    done = _send(
        client, "patch", f"{base(opp)}/actions/{item['id']}",
        {"version": 0, "done": True, "result": "客户认可"},
    )  # fmt: skip
    assert done.status_code == 200
    assert done.json()["done"] and done.json()["done_at"] and not done.json()["overdue"]
    stale = _send(client, "patch", f"{base(opp)}/actions/{item['id']}", {"version": 0})
    assert stale.status_code == 422

    listed = client.get(f"{base(opp)}/actions", {"limit": 1}).json()
    assert [i["id"] for i in listed["items"]] == [item["id"]] and listed["next_offset"] is None
    assert client.delete(f"{base(opp)}/actions/{item['id']}").status_code == 204
    assert not ActionItem.objects.exists()


def test_actions_list_pages(opp, rep):
    for _ in range(3):
        ActionItemFactory(opportunity=opp)
    page = _api(rep).get(f"{base(opp)}/actions", {"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next_offset"] == 2


def test_risk(opp, rep):
    DealContactFactory(opportunity=opp, role_in_deal="decision_maker", attitude="opponent",
                       influence="high")  # fmt: skip
    body = _api(rep).get(f"{base(opp)}/risk").json()
    assert body["level"] == "high" and body["level_label"] == "高风险"
    codes = [f["code"] for f in body["flags"]]
    assert "decision_maker_opposed" in codes and "no_guide" in codes
    assert isinstance(body["coverage"], int)
