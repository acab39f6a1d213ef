"""Every role against every review-sheet and coaching page and endpoint (R-REV-1/2, R-SEC-1).

The case: 李销售 (rep, team one) has today's sheet; 孙经理 (manager) coached him once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kam.reviews.models import CoachingNote, ReviewComment
from kam.reviews.selectors import rep_local_today
from kam.reviews.services.coaching import coaching_note_create
from kam.reviews.services.generation import review_sheet_generate
from tests.conftest import client_for
from tests.factories import LeadFactory
from tests.reviews.conftest import Api

ROLES = ["rep", "colleague", "manager", "other_rep", "other_manager", "director", "gm",
         "admin_user", "finance"]  # fmt: skip
MANAGERS_OF_REP = {"manager", "director", "gm", "admin_user"}
SEES_REP = MANAGERS_OF_REP | {"rep"}


@pytest.fixture
def case(rep, colleague, manager, other_rep, other_manager, director, gm, admin_user, finance):
    LeadFactory(owner=rep, company_name="宝鸡重工有限公司")
    sheet = review_sheet_generate(rep=rep, day=rep_local_today(rep))
    note = coaching_note_create(rep=rep, actor=manager, data={
        "kind": "accompanied_visit", "happened_on": timezone.localdate() - timedelta(days=1),
        "account": None, "observations": "开场过长", "strengths": "", "improvements": "",
        "follow_up_action": "演练", "follow_up_due": timezone.localdate() + timedelta(days=3),
    })  # fmt: skip
    return sheet, note


@pytest.mark.parametrize("role", ROLES)
def test_pages(request, role, case, rep):
    sheet, note = case
    client = client_for(request.getfixturevalue(role))
    sees = role in SEES_REP
    assert client.get("/reviews/", follow=True).status_code == 200
    assert client.get(sheet.get_absolute_url()).status_code == (200 if sees else 404)
    team = client.get("/reviews/team/")
    assert team.status_code == 200
    assert [row.rep.pk for row in team.context["rows"] if row.rep.pk == rep.pk] == (
        [rep.pk] if sees else []
    )
    present = client.get("/reviews/present/")
    assert present.status_code == 200
    assert ("宝鸡重工有限公司" in present.content.decode()) is sees
    assert client.get(f"/reviews/coaching/?rep={rep.pk}").status_code == (200 if sees else 404)
    listed = client.get("/reviews/coaching/").context["page_obj"].object_list
    assert [n.pk for n in listed] == ([note.pk] if sees else [])
    assert client.get(note.get_absolute_url()).status_code == (200 if sees else 404)
    create = client.get(f"/reviews/coaching/new/?rep={rep.pk}").status_code
    edit = client.get(f"/reviews/coaching/{note.pk}/edit/").status_code
    expected = 200 if role in MANAGERS_OF_REP else 403 if sees else 404
    assert (create, edit) == (expected, expected)


@pytest.mark.parametrize("role", ROLES)
def test_writes(request, role, case):
    sheet, note = case
    user = request.getfixturevalue(role)
    client = client_for(user)
    item = sheet.items.get()
    sees = role in SEES_REP
    hidden = 404
    noted = client.post(f"/reviews/items/{item.pk}/note/",
                        {f"item{item.pk}-rep_note": "x", f"item{item.pk}-version": 0})  # fmt: skip
    assert noted.status_code == (302 if role == "rep" else 403 if sees else hidden)
    commented = client.post(f"/reviews/sheets/{sheet.pk}/comments/", {"body": "好"})
    assert commented.status_code == (302 if role in MANAGERS_OF_REP else 403 if sees else hidden)
    assert ReviewComment.objects.count() == (1 if role in MANAGERS_OF_REP else 0)
    done = client.post(note.get_absolute_url(), {"follow_up_result": "完成", "version": 0})
    assert done.status_code == (302 if role in MANAGERS_OF_REP else 403 if sees else hidden)
    filed = client.post(f"/reviews/sheets/{sheet.pk}/file/", {"rep_summary": "", "version": 0})
    assert filed.status_code == (302 if role == "rep" else 403 if sees else hidden)
    sheet.refresh_from_db()
    assert sheet.is_filed is (role == "rep")


@pytest.mark.parametrize("role", ROLES)
def test_api(request, role, case, rep):
    sheet, note = case
    api = Api(request.getfixturevalue(role))
    sees = role in SEES_REP
    manages = role in MANAGERS_OF_REP
    listed = api.get("/sheets", {"rep_id": rep.pk}).json()["items"]
    assert [row["id"] for row in listed] == ([sheet.pk] if sees else [])
    assert api.get(f"/sheets/{sheet.pk}").status_code == (200 if sees else 404)
    item = sheet.items.get()
    noted = api.send("post", f"/items/{item.pk}/note", {"rep_note": "x", "version": 0})
    assert noted.status_code == (200 if role == "rep" else 403 if sees else 404)
    commented = api.send("post", f"/sheets/{sheet.pk}/comments", {"body": "好"})
    assert commented.status_code == (201 if manages else 403 if sees else 404)
    coached = api.get("/coaching", {"rep_id": rep.pk}).json()["items"]
    assert [n["id"] for n in coached] == ([note.pk] if sees else [])
    assert api.get(f"/coaching/{note.pk}").status_code == (200 if sees else 404)
    payload = {"rep_id": rep.pk, "kind": "recording_analysis",
               "happened_on": timezone.localdate().isoformat(), "observations": "x"}  # fmt: skip
    created = api.send("post", "/coaching", payload)
    assert created.status_code == (201 if manages else 403 if sees else 404)
    patched = api.send("patch", f"/coaching/{note.pk}", {"version": 0, "strengths": "好"})
    assert patched.status_code == (200 if manages else 403 if sees else 404)
    assert CoachingNote.objects.count() == (2 if manages else 1)
