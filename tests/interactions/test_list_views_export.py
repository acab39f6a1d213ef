"""The interactions list's saved views and export (R-UI-1, R-SEC-2)."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from kam.audit.models import ExportLog
from kam.users.models import SavedView
from tests.conftest import client_for
from tests.factories import InteractionFactory

LIST = reverse("interactions:list")
EXPORT = reverse("interactions:export")


def _grant_export(user):
    user.user_permissions.add(Permission.objects.get(codename="export_data"))


def _csv_rows(response):
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


@pytest.fixture
def visits(account, other_account, rep, manager, zhang, li, wang):
    call = InteractionFactory(account=account, kind="call", subject="电话沟通")
    visit = InteractionFactory(
        account=account, subject="@SUM(A1:A9)", accompanied=True, accompanied_by=manager,
        next_step="提交方案",
    )  # fmt: skip
    visit.our_participants.set([rep, manager])
    visit.their_participants.set([zhang, li])
    hidden = InteractionFactory(account=other_account, subject="别人的拜访")
    hidden.their_participants.set([wang])
    return {"call": call, "visit": visit, "hidden": hidden}


# ---- saved views ---------------------------------------------------------------------------


def test_saved_view_save_apply_default_reset_and_delete(rep, visits):
    client = client_for(rep)
    client.post(
        reverse("users:saved_view_save"),
        {"list_key": "interactions", "name": "电话", "is_default": "on",
         "query_string": "kind=call&sort=occurred_at"},
    )  # fmt: skip
    view = SavedView.objects.get(user=rep, list_key="interactions")
    opened = client.get(LIST)
    assert (opened.status_code, opened["Location"]) == (302, f"{LIST}?kind=call&sort=occurred_at")
    page = client.get(opened["Location"]).text
    assert "电话沟通" in page and "@SUM" not in page and "别人的拜访" not in page
    assert "@SUM(A1:A9)" in client.get(LIST, {"reset": 1}).text
    client.post(reverse("users:saved_view_default", args=[view.pk]), {"is_default": "0"})
    view.refresh_from_db()
    assert not view.is_default
    assert client.get(LIST).status_code == 200
    client.post(reverse("users:saved_view_delete", args=[view.pk]))
    assert not SavedView.objects.exists()


def test_someone_elses_default_view_does_not_apply(rep, colleague, visits):
    SavedView.objects.create(
        user=colleague, list_key="interactions", name="同事", query_string="kind=call",
        is_default=True,
    )  # fmt: skip
    response = client_for(rep).get(LIST)
    assert response.status_code == 200
    assert "同事" not in response.text


# ---- export --------------------------------------------------------------------------------


def test_export_without_permission_is_403_and_button_hidden(rep, visits):
    client = client_for(rep)
    assert client.get(EXPORT).status_code == 403
    assert 'data-testid="export-xlsx"' not in client.get(LIST).text
    assert not ExportLog.objects.exists()


def test_export_csv_is_visible_rows_only_and_formula_safe(rep, visits):
    _grant_export(rep)
    client = client_for(rep)
    assert 'data-testid="export-xlsx"' in client.get(LIST).text
    rows = _csv_rows(client.get(EXPORT, {"format": "csv"}))
    assert rows[0] == [
        "时间", "客户", "类型", "主题", "客户参与人", "我方参与人", "陪访", "陪访人", "记录人",
        "结果", "下一步", "下一步日期",
    ]  # fmt: skip
    subjects = sorted(row[3] for row in rows[1:])
    assert subjects == sorted(["电话沟通", "'@SUM(A1:A9)"])
    visit_row = next(row for row in rows[1:] if row[3].startswith("'@"))
    assert visit_row[4] == "张伟、李娜" or visit_row[4] == "李娜、张伟"
    assert visit_row[6] == "是"
    assert visit_row[10] == "提交方案"
    log = ExportLog.objects.get()
    assert (log.user, log.file_format, log.row_count) == (rep, "csv", 2)


def test_export_applies_the_page_filters(rep, visits):
    _grant_export(rep)
    rows = _csv_rows(client_for(rep).get(EXPORT, {"format": "csv", "kind": "call"}))
    assert [row[3] for row in rows[1:]] == ["电话沟通"]
    log = ExportLog.objects.get()
    assert log.row_count == 1
    assert "kind=call" in log.filters


def test_export_xlsx_for_gm_includes_every_account(gm, visits):
    response = client_for(gm).get(EXPORT, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.cell(row=1, column=1).value == "时间"
    subjects = {sheet.cell(row=r, column=4).value for r in range(2, sheet.max_row + 1)}
    assert subjects == {"电话沟通", "'@SUM(A1:A9)", "别人的拜访"}
    assert ExportLog.objects.get().row_count == 3


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_query_count_is_constant(
    rep, manager, account, zhang, fmt, django_assert_num_queries
):
    _grant_export(rep)
    client = client_for(rep)

    def add():
        interaction = InteractionFactory(account=account, accompanied_by=manager)
        interaction.our_participants.set([rep, manager])
        interaction.their_participants.set([zhang])

    def run():
        b"".join(client.get(EXPORT, {"format": fmt}).streaming_content)

    add()
    run()  # warm the session and permission caches of the test client
    with CaptureQueriesContext(connection) as one:
        run()
    add()
    add()
    with django_assert_num_queries(len(one.captured_queries)):
        run()
    assert ExportLog.objects.order_by("-pk").first().row_count == 3


def test_export_rows_keep_each_visits_people_across_chunks(
    rep, manager, account, zhang, li, monkeypatch
):
    """Participants are read per chunk of visits: each row gets its own, in the page's order
    (people by name, colleagues by id), whichever chunk it falls in."""
    monkeypatch.setattr("kam.interactions.selectors.EXPORT_CHUNK", 2)
    _grant_export(rep)
    expected = {}
    for n, (theirs, ours) in enumerate(
        [([zhang, li], [rep, manager]), ([], [manager]), ([li], []), ([zhang], [rep]), ([], [])]
    ):
        visit = InteractionFactory(
            account=account, subject=f"第{n}次", occurred_at=datetime(2026, 11, n + 1, tzinfo=UTC)
        )
        visit.their_participants.set(theirs)
        visit.our_participants.set(ours)
        expected[f"第{n}次"] = (
            "、".join(sorted(c.name for c in theirs)),
            "、".join(str(u) for u in sorted(ours, key=lambda u: u.pk)),
        )
    rows = _csv_rows(client_for(rep).get(EXPORT, {"format": "csv"}))[1:]
    assert [row[3] for row in rows] == [f"第{n}次" for n in reversed(range(5))]  # newest first
    assert {row[3]: (row[4], row[5]) for row in rows} == expected
    assert {row[8] for row in rows} == {str(rep)}
