"""/api/handovers: preview, execute, list, get, reverse, deactivate."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kam.accounts.models import Account
from kam.handovers.models import Handover
from tests.factories import AccountFactory
from tests.handovers.conftest import Api


def test_preview_then_execute_then_reverse(manager, rep, colleague, holdings):
    api = Api(manager)
    body = {"from_user_id": rep.pk, "to_user_id": colleague.pk}
    preview = api.post("/preview", body)
    assert preview.status_code == 200
    data = preview.json()
    assert data["total"] == 7 and data["problems"] == []
    assert {g["kind"]: g["count"] for g in data["groups"]}["account"] == 2
    assert not Handover.objects.exists()
    done = api.post("/", {**body, "fingerprint": data["fingerprint"], "note": "调岗"})
    assert done.status_code == 201
    handover = done.json()
    assert len(handover["items"]) == 7 and handover["note"] == "调岗"
    assert not Account.objects.filter(owner=rep).exists()
    listed = api.get("/").json()
    assert [row["id"] for row in listed["items"]] == [handover["id"]]
    assert api.get(f"/{handover['id']}").json()["from_user"]["id"] == rep.pk
    reversal = api.post(f"/{handover['id']}/reverse", {})
    assert reversal.status_code == 201 and reversal.json()["reverses_id"] == handover["id"]
    assert Account.objects.filter(owner=rep).count() == 2
    again = api.post(f"/{handover['id']}/reverse", {})
    assert again.status_code == 422 and "__all__" in again.json()["errors"]


def test_problems_and_bad_ids_are_422(manager, rep, other_rep, holdings):
    api = Api(manager)
    out_of_scope = api.post("/", {"from_user_id": rep.pk, "to_user_id": other_rep.pk})
    assert out_of_scope.status_code == 422
    assert "不在你的管理范围内" in " ".join(out_of_scope.json()["errors"]["__all__"])
    unknown = api.post("/preview", {"from_user_id": rep.pk, "to_user_id": 99999})
    assert unknown.status_code == 422 and "to_user_id" in unknown.json()["errors"]
    bad_kind = api.post("/preview", {"from_user_id": rep.pk, "per_kind": {"nope": rep.pk}})
    assert bad_kind.status_code == 422
    assert not Handover.objects.exists()


def test_deactivate_endpoint(manager, rep):
    api = Api(manager)
    AccountFactory(owner=rep)
    refused = api.post(f"/deactivate/{rep.pk}", {})
    assert refused.status_code == 422 and "force" in refused.json()["errors"]
    rep_api = Api(rep)
    done = api.post(f"/deactivate/{rep.pk}", {"force": True})
    assert done.status_code == 200
    assert done.json() == {"user_id": rep.pk, "is_active": False, "sessions_ended": 0,
                           "tokens_revoked": 1}  # fmt: skip
    assert rep_api.get("/").status_code == 401


def test_list_query_count_does_not_grow(manager, rep, colleague, django_assert_num_queries):
    api = Api(manager)

    def make_one():
        AccountFactory(owner=rep)
        api.post("/", {"from_user_id": rep.pk, "to_user_id": colleague.pk})
        Account.objects.update(owner=rep)

    make_one()
    api.get("/")
    with CaptureQueriesContext(connection) as one:
        api.get("/")
    baseline = len(one.captured_queries)
    make_one()
    make_one()
    with django_assert_num_queries(baseline):
        assert len(api.get("/").json()["items"]) == 3
