"""The permission matrix (R-SEC-1) for tasks and team group bots: every role against every
page and endpoint.

The rep (team one) owns task A; the other team's rep owns task B. Each team has a group bot.
Tasks follow the reporting line; bots are configured by the team's sales manager and above,
and team members only see theirs with the URL masked.
"""

import pytest
from django.test import Client

from kam.tasks.models import Task, WebhookDelivery
from kam.users.services import api_token_create
from tests.conftest import PERSONAS, client_for
from tests.tasks.conftest import TaskFactory, TeamWebhookFactory, closed_port_url

pytestmark = pytest.mark.django_db

SEES_A = {"gm", "admin_user", "director", "manager", "rep"}
SEES_B = {"gm", "admin_user", "director", "other_manager", "other_rep"}
MANAGES_HOOK_A = {"gm", "admin_user", "director", "manager"}
# team one's members see their bot (masked) but do not configure it
SEES_HOOK_A = MANAGES_HOOK_A | {"rep", "colleague", "solution_manager"}
CONFIGURES_BOTS = {"gm", "admin_user", "director", "manager", "other_manager"}


@pytest.fixture
def world(request, rep, other_rep, team_one, team_two):
    for name in PERSONAS:
        request.getfixturevalue(name)
    return {
        "task_a": TaskFactory(owner=rep, title="任务A"),
        "task_b": TaskFactory(owner=other_rep, title="任务B"),
        "hook_a": TeamWebhookFactory(
            team=team_one, name="一组群", url=f"{closed_port_url()}?team=one"
        ),
        "hook_b": TeamWebhookFactory(
            team=team_two, name="二组群", url=f"{closed_port_url()}?team=two"
        ),
    }


def _user(request, role):
    return request.getfixturevalue(role)


def _api(user) -> tuple[Client, dict[str, str]]:
    _token, key = api_token_create(user=user, name="t")
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.mark.parametrize("role", PERSONAS)
def test_pages(role, request, world):
    client = client_for(_user(request, role))
    task_a, task_b = world["task_a"], world["task_b"]
    assert client.get("/my-day/").status_code == 200
    listed = client.get("/tasks/?scope=team&status=").context["page_obj"].object_list
    titles = {t.title for t in listed}
    assert ("任务A" in titles) == (role in SEES_A)
    assert ("任务B" in titles) == (role in SEES_B)
    assert client.get(f"/tasks/{task_a.pk}/").status_code == (200 if role in SEES_A else 404)
    assert client.get(f"/tasks/{task_b.pk}/").status_code == (200 if role in SEES_B else 404)
    response = client.post(f"/tasks/{task_a.pk}/complete/")
    assert response.status_code == (302 if role in SEES_A else 404)
    task_a.refresh_from_db()
    assert (task_a.done_at is not None) == (role in SEES_A)
    response = client.post(f"/tasks/{task_b.pk}/delete/")
    assert response.status_code == (302 if role in SEES_B else 404)
    assert Task.objects.filter(pk=task_b.pk).exists() == (role not in SEES_B)


@pytest.mark.parametrize("role", PERSONAS)
def test_bot_pages(role, request, world):
    client = client_for(_user(request, role))
    hook_a = world["hook_a"]
    page = client.get("/tasks/webhooks/")
    assert page.status_code == 200
    names = {row["hook"].name for row in page.context["rows"]}
    assert ("一组群" in names) == (role in SEES_HOOK_A)
    assert ("二组群" in names) == (
        role in {"gm", "admin_user", "director", "other_manager", "other_rep"}
    )
    assert (hook_a.url in page.content.decode()) == (role in MANAGES_HOOK_A)
    expected = 200 if role in MANAGES_HOOK_A else 403 if role in SEES_HOOK_A else 404
    assert client.get(f"/tasks/webhooks/{hook_a.pk}/").status_code == expected
    expected = 302 if role in MANAGES_HOOK_A else 403 if role in SEES_HOOK_A else 404
    assert client.post(f"/tasks/webhooks/{hook_a.pk}/test/").status_code == expected
    assert WebhookDelivery.objects.filter(webhook=hook_a).exists() == (role in MANAGES_HOOK_A)
    created = client.post("/tasks/webhooks/", {
        "team": hook_a.team_id, "name": "新群", "platform": "wecom", "url": "https://x.test/h",
    })  # fmt: skip
    if role in MANAGES_HOOK_A:
        assert created.status_code == 302
    elif role in CONFIGURES_BOTS:
        assert created.status_code == 422  # team one is not in their choices
    else:
        assert created.status_code == 403


@pytest.mark.parametrize("role", PERSONAS)
def test_api(role, request, world):
    user = _user(request, role)
    client, auth = _api(user)
    task_a, task_b, hook_a = world["task_a"], world["task_b"], world["hook_a"]
    items = client.get("/api/tasks/", {"scope": "team"}, **auth).json()["items"]
    ids = {row["id"] for row in items}
    assert (task_a.pk in ids) == (role in SEES_A) and (task_b.pk in ids) == (role in SEES_B)
    assert client.get(f"/api/tasks/{task_a.pk}", **auth).status_code == (
        200 if role in SEES_A else 404
    )
    response = client.post(
        f"/api/tasks/{task_b.pk}/complete", {}, content_type="application/json", **auth
    )
    assert response.status_code == (200 if role in SEES_B else 404)
    hooks = client.get("/api/tasks/webhooks", **auth)
    if role in CONFIGURES_BOTS:
        assert (hook_a.pk in {h["id"] for h in hooks.json()}) == (role in MANAGES_HOOK_A)
    else:
        assert hooks.status_code == 403
    response = client.patch(
        f"/api/tasks/webhooks/{hook_a.pk}", {"version": 0, "active": False},
        content_type="application/json", **auth,
    )  # fmt: skip
    if role in MANAGES_HOOK_A:
        assert response.status_code == 200
    else:
        assert response.status_code in {403, 404}
    hook_a.refresh_from_db()
    assert hook_a.active == (role not in MANAGES_HOOK_A)
