"""/api/tasks: same services and visibility as the pages."""

from datetime import UTC, datetime

import pytest
from django.test import Client

from kam.core.versioning import STALE_MESSAGE
from kam.tasks.models import Task, TeamWebhook
from kam.users.services import api_token_create
from tests.factories import AccountFactory
from tests.tasks.conftest import TaskFactory, TeamWebhookFactory

pytestmark = pytest.mark.django_db
BASE = "/api/tasks"


class Api:
    def __init__(self, user):
        _token, key = api_token_create(user=user, name="t")
        self.client = Client()
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def get(self, path, params=None):
        return self.client.get(f"{BASE}{path}", params or {}, **self.auth)

    def send(self, method, path, payload=None):
        call = getattr(self.client, method)
        return call(f"{BASE}{path}", payload or {}, content_type="application/json", **self.auth)


def test_list_get_and_paging(rep, other_rep):
    mine = [TaskFactory(owner=rep, title=f"t{i}") for i in range(3)]
    theirs = TaskFactory(owner=other_rep)
    api = Api(rep)
    body = api.get("/", {"limit": 2}).json()
    assert [row["id"] for row in body["items"]] == [mine[0].pk, mine[1].pk]
    assert body["next_offset"] == 2
    assert [r["id"] for r in api.get("/", {"offset": 2}).json()["items"]] == [mine[2].pk]
    assert api.get(f"/{mine[0].pk}").json()["title"] == "t0"
    assert api.get(f"/{theirs.pk}").status_code == 404
    assert api.get("/", {"scope": "team", "owner_id": other_rep.pk}).json()["items"] == []


def test_create_patch_complete(rep, other_rep):
    api = Api(rep)
    account = AccountFactory(owner=rep)
    response = api.send("post", "/", {"title": "发方案", "account_id": account.pk,
                                      "due_at": "2026-12-01T10:00:00Z"})  # fmt: skip
    assert response.status_code == 201
    body = response.json()
    remind_at = datetime.fromisoformat(body["remind_at"])
    assert remind_at == datetime(2026, 12, 1, 1, 0, tzinfo=UTC) and body["source"] == "manual"
    task = Task.objects.get(pk=body["id"])
    bad = api.send("post", "/", {"title": "", "account_id": AccountFactory(owner=other_rep).pk,
                                 "owner_id": other_rep.pk})  # fmt: skip
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"title", "account_id", "owner_id"}
    patched = api.send("patch", f"/{task.pk}", {"version": 0, "note": "带样品"})
    assert patched.status_code == 200 and patched.json()["version"] == 1
    stale = api.send("patch", f"/{task.pk}", {"version": 0, "note": "x"})
    assert stale.status_code == 422 and stale.json()["errors"] == {"__all__": [str(STALE_MESSAGE)]}
    done = api.send("post", f"/{task.pk}/complete", {})
    assert done.status_code == 200 and done.json()["done_by_id"] == rep.pk
    again = api.send("post", f"/{task.pk}/reopen", {"version": done.json()["version"]})
    assert again.json()["done_at"] is None


def test_other_reps_task_is_invisible(rep, other_rep):
    theirs = TaskFactory(owner=other_rep)
    api = Api(rep)
    assert api.send("patch", f"/{theirs.pk}", {"version": 0, "note": "x"}).status_code == 404
    assert api.send("post", f"/{theirs.pk}/complete", {}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.done_at is None and theirs.note == ""


def test_manager_completes_a_reps_task(rep, manager):
    task = TaskFactory(owner=rep, due_at=datetime(2026, 12, 1, tzinfo=UTC))
    response = Api(manager).send("post", f"/{task.pk}/complete", {"version": 0})
    assert response.status_code == 200


def test_webhooks_are_for_managers(rep, manager, other_manager, team_one, receiver):
    assert Api(rep).get("/webhooks").status_code == 403
    payload = {"team_id": team_one.pk, "name": "x", "platform": "wecom", "url": "https://x.test"}
    assert Api(rep).send("post", "/webhooks", payload).status_code == 403
    api = Api(manager)
    created = api.send("post", "/webhooks", {"team_id": team_one.pk, "name": "一组群",
                                              "platform": "feishu", "url": f"{receiver.url}/h",
                                              "secret": "s1"})  # fmt: skip
    assert created.status_code == 201
    body = created.json()
    assert body["has_secret"] is True and "secret" not in body
    assert [h["id"] for h in api.get("/webhooks").json()] == [body["id"]]
    assert Api(other_manager).get("/webhooks").json() == []
    assert (
        Api(other_manager).send("patch", f"/webhooks/{body['id']}", {"version": 0}).status_code
        == 404
    )
    patched = api.send("patch", f"/webhooks/{body['id']}", {"version": 0, "active": False})
    assert patched.status_code == 200 and patched.json()["active"] is False
    bad = api.send("patch", f"/webhooks/{body['id']}", {"version": 1, "url": "ftp://x"})
    assert bad.status_code == 422 and "url" in bad.json()["errors"]
    receiver.answer = {"code": 0}
    tested = api.send("post", f"/webhooks/{body['id']}/test")
    assert tested.status_code == 200 and tested.json()["status"] == "sent"
    assert receiver.requests[0]["body"]["msg_type"] == "text"
    assert TeamWebhook.objects.count() == 1


def test_rep_cannot_test_their_teams_bot(rep, team_one):
    hook = TeamWebhookFactory(team=team_one)
    assert Api(rep).send("post", f"/webhooks/{hook.pk}/test").status_code == 403
    assert not hook.deliveries.exists()


def test_unknown_ids_are_field_errors(rep):
    api = Api(rep)
    response = api.send("post", "/", {"title": "x", "account_id": 999999, "owner_id": 999999})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"account_id", "owner_id"}
    task = TaskFactory(owner=rep)
    response = api.send("patch", f"/{task.pk}", {"version": 0, "lead_id": 999999})
    assert response.status_code == 422 and set(response.json()["errors"]) == {"lead_id"}
    assert not Task.objects.exclude(pk=task.pk).exists()
