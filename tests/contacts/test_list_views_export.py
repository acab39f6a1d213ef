"""The people list's saved views and export (R-UI-1, R-SEC-2)."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from kam.audit.models import ExportLog
from kam.contacts.enums import Attitude, DecisionRole
from kam.users.models import SavedView
from tests.conftest import client_for
from tests.factories import AccountFactory, AccountTeamMemberFactory, ContactFactory

LIST = reverse("contacts:list")
EXPORT = reverse("contacts:export")


def _grant_export(user):
    user.user_permissions.add(Permission.objects.get(codename="export_data"))


def _csv_rows(response):
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


@pytest.fixture
def people(rep, other_rep):
    mine = AccountFactory(owner=rep, name="陕西移动")
    theirs = AccountFactory(owner=other_rep, name="别人的医院")
    return {
        "liu": ContactFactory(account=mine, name="刘总", decision_role=DecisionRole.DECISION_MAKER),
        "formula": ContactFactory(
            account=mine, name="=cmd|' /C calc'!A0", decision_role=DecisionRole.DECISION_MAKER
        ),
        "wu": ContactFactory(account=mine, name="吴工", decision_role=DecisionRole.USER),
        "hidden": ContactFactory(
            account=theirs, name="别人的关键人", decision_role=DecisionRole.DECISION_MAKER
        ),
    }


# ---- saved views ---------------------------------------------------------------------------


def test_saved_view_save_apply_default_reset_and_delete(rep, people):
    client = client_for(rep)
    client.post(
        reverse("users:saved_view_save"),
        {"list_key": "contacts", "name": "决策者", "is_default": "on",
         "query_string": "decision_role=decision_maker&sort=name&page=2"},
    )  # fmt: skip
    view = SavedView.objects.get(user=rep, list_key="contacts")
    assert view.query_string == "decision_role=decision_maker&sort=name"
    opened = client.get(LIST)
    assert opened.status_code == 302
    assert opened["Location"] == f"{LIST}?decision_role=decision_maker&sort=name"
    page = client.get(opened["Location"]).text
    assert "刘总" in page and "吴工" not in page and "别人的关键人" not in page
    assert 'data-testid="saved-view"' in page and "决策者" in page
    everything = client.get(LIST, {"reset": 1}).text
    assert "吴工" in everything
    client.post(reverse("users:saved_view_delete", args=[view.pk]), {"next": f"{LIST}?reset=1"})
    assert not SavedView.objects.exists()
    assert client.get(LIST).status_code == 200


def test_saved_views_are_per_list(rep, people):
    SavedView.objects.create(
        user=rep, list_key="accounts", name="客户视图", query_string="grade=A", is_default=True
    )
    response = client_for(rep).get(LIST)
    assert response.status_code == 200
    assert "客户视图" not in response.text


def test_clear_link_skips_the_default_view(rep, people):
    response = client_for(rep).get(LIST, {"attitude": Attitude.NEUTRAL})
    assert 'href="?reset=1"' in response.text


# ---- export --------------------------------------------------------------------------------


def test_export_without_permission_is_403_and_button_hidden(rep, people):
    client = client_for(rep)
    assert client.get(EXPORT, {"format": "csv"}).status_code == 403
    assert 'data-testid="export-csv"' not in client.get(LIST).text
    assert not ExportLog.objects.exists()


def test_export_csv_keeps_filters_and_visibility_and_neutralises_formulas(rep, people):
    _grant_export(rep)
    client = client_for(rep)
    assert 'data-testid="export-csv"' in client.get(LIST).text
    response = client.get(EXPORT, {"format": "csv", "decision_role": "decision_maker"})
    assert response.status_code == 200
    rows = _csv_rows(response)
    assert rows[0][:4] == ["姓名", "职务", "部门", "客户"]
    names = sorted(row[0] for row in rows[1:])
    assert names == sorted(["刘总", "'=cmd|' /C calc'!A0"])
    assert all(row[3] == "陕西移动" for row in rows[1:])
    log = ExportLog.objects.get()
    assert (log.user, log.file_format, log.row_count) == (rep, "csv", 2)
    assert "decision_role=decision_maker" in log.filters


def test_export_for_a_team_member_includes_the_accounts_they_work_on(
    solution_manager, people, other_rep
):
    _grant_export(solution_manager)
    AccountTeamMemberFactory(account=people["hidden"].account, user=solution_manager)
    rows = _csv_rows(client_for(solution_manager).get(EXPORT, {"format": "csv"}))
    assert [row[0] for row in rows[1:]] == ["别人的关键人"]


def test_export_xlsx_for_gm_sees_everyone(gm, people):
    response = client_for(gm).get(EXPORT, {"format": "xlsx", "sort": "name"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.cell(row=1, column=1).value == "姓名"
    assert sheet.max_row == 5
    assert ExportLog.objects.get().row_count == 4


def test_export_xlsx_keeps_text_as_text(gm, people):
    """Formulas stay defused, a control character (pasted from another system) is escaped
    rather than breaking the file, and an empty field is a blank cell."""
    ContactFactory(account=people["liu"].account, name="王\x07工", title="")
    response = client_for(gm).get(EXPORT, {"format": "xlsx", "sort": "name"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "'=cmd|' /C calc'!A0" in rows
    assert "王_x0007_工" in rows  # the spreadsheet format's escape; Excel shows the character
    assert rows["王_x0007_工"][1] is None


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_query_count_is_constant(rep, fmt, django_assert_num_queries):
    _grant_export(rep)
    client = client_for(rep)
    account = AccountFactory(owner=rep)
    ContactFactory(account=account)

    def run():
        response = client.get(EXPORT, {"format": fmt})
        b"".join(response.streaming_content)

    run()  # warm the session and permission caches of the test client
    with CaptureQueriesContext(connection) as one:
        run()
    ContactFactory(account=account)
    ContactFactory(account=AccountFactory(owner=rep))
    with django_assert_num_queries(len(one.captured_queries)):
        run()
    assert ExportLog.objects.order_by("-pk").first().row_count == 3
