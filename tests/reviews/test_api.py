"""/api/reviews: the same services and visibility as the pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kam.reviews.models import CoachingNote, ReviewComment
from kam.reviews.services.generation import review_sheet_generate
from tests.factories import AccountFactory, LeadFactory
from tests.reviews.conftest import Api

pytestmark = pytest.mark.django_db


def test_list_get_note_file_comment(rep, manager, other_rep, rep_sheet):
    api = Api(rep)
    listed = api.get("/sheets", {"day": rep_sheet.day.isoformat()}).json()
    assert [row["id"] for row in listed["items"]] == [rep_sheet.pk]
    assert listed["items"][0]["item_count"] == 2
    assert Api(other_rep).get("/sheets").json()["items"] == []
    assert Api(other_rep).get(f"/sheets/{rep_sheet.pk}").status_code == 404
    sheet = api.get(f"/sheets/{rep_sheet.pk}").json()
    item_id = sheet["items"][0]["id"]
    response = api.send("post", f"/items/{item_id}/note", {"rep_note": "等回复", "version": 0})
    assert response.status_code == 200 and response.json()["rep_note"] == "等回复"
    stale = api.send("post", f"/items/{item_id}/note", {"rep_note": "x", "version": 0})
    assert stale.status_code == 422 and "version" in stale.json()["errors"]
    assert Api(manager).send("post", f"/items/{item_id}/note", {"version": 1}).status_code == 403
    filed = api.send("post", f"/sheets/{rep_sheet.pk}/file", {"rep_summary": "好", "version": 0})
    assert filed.status_code == 200 and filed.json()["filed_at"]
    assert api.send("post", f"/sheets/{rep_sheet.pk}/comments", {"body": "x"}).status_code == 403
    comment = Api(manager).send(
        "post", f"/sheets/{rep_sheet.pk}/comments", {"body": "抓紧", "item_id": item_id}
    )
    assert comment.status_code == 201 and comment.json()["item_id"] == item_id
    empty = Api(manager).send("post", f"/sheets/{rep_sheet.pk}/comments", {"body": " "})
    assert empty.status_code == 422 and "body" in empty.json()["errors"]
    assert ReviewComment.objects.count() == 1
    assert len(api.get(f"/sheets/{rep_sheet.pk}").json()["comments"]) == 1


@pytest.mark.parametrize("rows", [1, 3])
def test_list_query_count(manager, team_one, rows, django_assert_num_queries):
    from tests.factories import UserFactory

    day = timezone.localdate()
    for n in range(rows):
        someone = UserFactory(username=f"r{n}", team=team_one, manager=manager)
        LeadFactory(owner=someone)
        review_sheet_generate(rep=someone, day=day)
    api = Api(manager)
    with django_assert_num_queries(4):
        assert len(api.get("/sheets").json()["items"]) == rows


def test_list_paginates(rep):
    for n in range(3):
        review_sheet_generate(rep=rep, day=timezone.localdate() - timedelta(days=n))
    page = Api(rep).get("/sheets", {"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next_offset"] == 2
    assert Api(rep).get("/sheets", {"limit": 2, "offset": 2}).json()["next_offset"] is None


def test_coaching_crud(rep, manager, other_manager, other_rep):
    payload = {"rep_id": rep.pk, "kind": "recording_analysis",
               "happened_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
               "observations": "价格异议处理偏急", "follow_up_action": "演练两次",
               "follow_up_due": (timezone.localdate() + timedelta(days=3)).isoformat()}  # fmt: skip
    api = Api(manager)
    created = api.send("post", "/coaching", payload)
    assert created.status_code == 201
    note_id = created.json()["id"]
    assert Api(rep).send("post", "/coaching", payload).status_code == 403
    assert Api(other_manager).send("post", "/coaching", payload).status_code == 404
    bad = api.send("post", "/coaching", {**payload, "account_id": 999999})
    assert bad.status_code == 422 and "account_id" in bad.json()["errors"]
    hidden = AccountFactory(owner=other_rep)
    bad = api.send("post", "/coaching", {**payload, "account_id": hidden.pk})
    assert bad.status_code == 422
    patched = api.send("patch", f"/coaching/{note_id}", {"version": 0, "strengths": "准备充分"})
    assert patched.status_code == 200 and patched.json()["strengths"] == "准备充分"
    done = api.send("post", f"/coaching/{note_id}/follow-up", {"result": "完成", "version": 1})
    assert done.status_code == 200 and done.json()["follow_up_done_at"]
    assert [n["id"] for n in Api(rep).get("/coaching").json()["items"]] == [note_id]
    assert Api(other_rep).get("/coaching").json()["items"] == []
    assert Api(other_rep).get(f"/coaching/{note_id}").status_code == 404
    assert CoachingNote.objects.count() == 1


@pytest.mark.parametrize("rows", [1, 3])
def test_coaching_list_query_count(rep, manager, rows, django_assert_num_queries):
    from kam.reviews.services.coaching import coaching_note_create

    for _ in range(rows):
        coaching_note_create(rep=rep, actor=manager, data={
            "kind": "accompanied_visit", "happened_on": timezone.localdate(), "account": None,
            "observations": "开场过长", "strengths": "", "improvements": "",
            "follow_up_action": "", "follow_up_due": None,
        })  # fmt: skip
    api = Api(manager)
    with django_assert_num_queries(4):
        assert len(api.get("/coaching").json()["items"]) == rows
