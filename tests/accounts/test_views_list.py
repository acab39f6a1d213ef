"""The accounts list: visibility per persona, filters, sorting, paging, saved views, export."""

import csv
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from kam.accounts.list_cells import account_cells, account_rows_html
from kam.accounts.models import Account, AccountTeamMember
from kam.accounts.selectors import LIST_COLUMNS
from kam.audit.models import ExportLog
from kam.users.models import SavedView
from tests.accounts.helpers import credit_code, make_account
from tests.conftest import client_for
from tests.factories import AccountFactory

CODE = credit_code("91610000220530187")


def _grant_export(user):
    user.user_permissions.add(Permission.objects.get(codename="export_data"))


def _form_data(**overrides):
    data = {
        "name": "西安市第一医院", "credit_code": "", "industry": "healthcare", "province": "陕西",
        "city": "西安", "level": "city", "grade": "C", "status": "prospect",
        "purchase_scenario": "continuous", "size": "", "website": "", "description": "",
    }  # fmt: skip
    data.update(overrides)
    return data


# ---- permissions per persona ------------------------------------------------------------------


@pytest.mark.django_db
def test_detail_visible_to_owner_and_managers_with_edit(rep, manager, director, gm):
    account = make_account(name="陕西电信", owner=rep)
    for user in (rep, manager, director, gm):
        response = client_for(user).get(account.get_absolute_url())
        assert response.status_code == 200, user
        assert "陕西电信" in response.text
        assert 'data-testid="edit-account"' in response.text, user


@pytest.mark.django_db
def test_detail_of_another_reps_account_is_404(rep, colleague, other_rep, other_manager):
    account = make_account(owner=rep)
    for user in (colleague, other_rep, other_manager):
        client = client_for(user)
        assert client.get(account.get_absolute_url()).status_code == 404, user
        assert client.get(reverse("accounts:edit", args=[account.pk])).status_code == 404
        post = client.post(reverse("accounts:edit", args=[account.pk]), _form_data())
        assert post.status_code == 404


@pytest.mark.django_db
def test_team_member_sees_read_only_and_edit_is_403(rep, solution_manager):
    account = make_account(owner=rep, city="西安")
    AccountTeamMember.objects.create(account=account, user=solution_manager, role="solution")
    client = client_for(solution_manager)
    response = client.get(account.get_absolute_url())
    assert response.status_code == 200
    assert 'data-testid="edit-account"' not in response.text
    assert client.get(reverse("accounts:edit", args=[account.pk])).status_code == 403
    post = client.post(
        reverse("accounts:edit", args=[account.pk]), _form_data(city="宝鸡", version=0)
    )
    assert post.status_code == 403
    grade = client.post(
        reverse("accounts:change_grade", args=[account.pk]),
        {"grade": "A", "reason": "x", "version": 0},
    )
    assert grade.status_code == 403
    account.refresh_from_db()
    assert (account.city, account.grade) == ("西安", "C")


@pytest.mark.django_db
def test_pool_account_is_visible_read_only(rep):
    account = make_account(owner=None, team=None)
    client = client_for(rep)
    response = client.get(account.get_absolute_url())
    assert response.status_code == 200
    assert 'data-testid="edit-account"' not in response.text
    assert client.post(reverse("accounts:edit", args=[account.pk]), _form_data()).status_code == 403


@pytest.mark.django_db
def test_gm_sees_every_account_in_the_list(gm, rep, other_rep):
    make_account(name="甲医院", owner=rep)
    make_account(name="乙医院", owner=other_rep)
    response = client_for(gm).get(reverse("accounts:list"))
    assert "甲医院" in response.text
    assert "乙医院" in response.text


@pytest.mark.django_db
def test_list_shows_only_visible_accounts(rep, manager, other_rep):
    make_account(name="甲医院", owner=rep)
    make_account(name="乙医院", owner=other_rep)
    for user in (rep, manager):
        text = client_for(user).get(reverse("accounts:list")).text
        assert "甲医院" in text
        assert "乙医院" not in text


# ---- list -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_filters_by_industry_grade_and_text(rep):
    make_account(name="陕西电信", owner=rep, industry="telecom", grade="A")
    make_account(name="西安市第一医院", owner=rep, industry="healthcare", grade="B")
    client = client_for(rep)
    text = client.get(reverse("accounts:list"), {"industry": "telecom"}).text
    assert "陕西电信" in text
    assert "西安市第一医院" not in text
    text = client.get(reverse("accounts:list"), {"grade": "B"}).text
    assert "西安市第一医院" in text
    assert "陕西电信" not in text
    # The text filter also matches the normalised name: 中国电信陕西分公司 → 电信.
    text = client.get(reverse("accounts:list"), {"q": "中国电信陕西分公司"}).text
    assert "陕西电信" in text
    assert "西安市第一医院" not in text


@pytest.mark.django_db
def test_list_filters_by_credit_code(rep):
    make_account(name="陕西电信", owner=rep, credit_code=CODE)
    make_account(name="西安市第一医院", owner=rep)
    text = client_for(rep).get(reverse("accounts:list"), {"q": CODE[:10].lower()}).text
    assert "陕西电信" in text
    assert "西安市第一医院" not in text


@pytest.mark.django_db
def test_list_sorts_by_name_both_ways(rep):
    for name in ("乙客户", "甲客户", "丙客户"):
        make_account(name=name, owner=rep)
    client = client_for(rep)
    ascending = client.get(reverse("accounts:list"), {"sort": "name"}).context["accounts"]
    names = [a.name for a in ascending]
    assert names == sorted(names)
    descending = client.get(reverse("accounts:list"), {"sort": "-name"}).context["accounts"]
    assert [a.name for a in descending] == sorted(names, reverse=True)


@pytest.mark.django_db
def test_list_paginates_without_count(rep):
    AccountFactory.create_batch(51, owner=rep)
    client = client_for(rep)
    first = client.get(reverse("accounts:list"))
    assert len(first.context["accounts"]) == 50
    assert first.context["page_obj"].has_next
    assert 'rel="next"' in first.text
    second = client.get(reverse("accounts:list"), {"page": 2})
    assert len(second.context["accounts"]) == 1
    assert not second.context["page_obj"].has_next


@pytest.mark.django_db
def test_list_columns_are_choosable(rep):
    make_account(name="陕西电信", owner=rep, credit_code=CODE)
    response = client_for(rep).get(reverse("accounts:list"), {"cols": "credit_code,team"})
    assert response.context["columns"] == ["team", "credit_code"]
    assert CODE in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("zh-hans", ["医疗卫生", "市级", "潜在客户", "持续购买", "公海"]),
        ("en", ["Healthcare", "Municipal", "Prospect", "Recurring purchase", "Public pool"]),
    ],
)
def test_every_column_shows_its_value(rep, language, texts):
    when = datetime(2026, 3, 4, 5, 6, tzinfo=ZoneInfo("Asia/Shanghai"))  # TIME_ZONE
    owned = make_account(
        name="陕西电信", owner=rep, credit_code=CODE, industry="healthcare", level="city",
        grade="A", status="prospect", purchase_scenario="continuous", city="",
    )  # fmt: skip
    Account.objects.filter(pk=owned.pk).update(last_activity_at=when, updated_at=when)
    make_account(name="公海医院", owner=None)
    client = client_for(rep)
    client.cookies["django_language"] = language

    response = client.get(reverse("accounts:list"), {"cols": ",".join(LIST_COLUMNS)})

    rows = _table_rows(response.text)
    cells = dict(zip(LIST_COLUMNS, rows["陕西电信"], strict=True))
    assert cells["grade"] == '<span class="badge grade-A">A</span>'
    assert cells["province"] == "陕西"  # no city, no separator
    assert cells["owner"] == str(rep) and cells["team"] == rep.team.name
    assert cells["credit_code"] == CODE
    assert cells["last_activity_at"] == "2026-03-04"
    assert cells["updated_at"] == "2026-03-04 05:06"
    pool = dict(zip(LIST_COLUMNS, rows["公海医院"], strict=True))
    assert pool["owner"] == f'<span class="badge warn">{texts[-1]}</span>'
    assert pool["last_activity_at"] == "—" and pool["credit_code"] == ""
    for text in texts:
        assert text in response.text


def _table_rows(page: str) -> dict[str, list[str]]:
    """The account table's rows: the account's name → its cells after the name."""
    rows = {}
    for row in re.findall(r"<tr><td>(.*?)</tr>", page):
        name = re.search(r"<a [^>]*>(.*?)</a>", row)
        assert name is not None
        rows[name[1]] = re.findall(r"<td>(.*?)</td>", row)
    return rows


# The rows as the template wrote them before they were built in Python.
TEMPLATE_ROWS = Template(
    "{% load i18n %}{% for a, cells in rows %}<tr>"
    '<td><a href="{{ a.get_absolute_url }}">{{ a.name }}</a>{% if a.personnel_change_at %} '
    '<span class="badge bad">{% translate "关键人变动" %}</span>{% endif %}</td>'
    "{% for cell in cells %}<td>{{ cell }}</td>{% endfor %}</tr>{% endfor %}"
)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_rows_are_what_the_template_wrote(rep, language):
    awkward = make_account(
        name="<b>\"甲&乙\"</b> 'x'", owner=rep, credit_code=CODE, city="西安", grade="B"
    )
    Account.objects.filter(pk=awkward.pk).update(personnel_change_at=timezone.now())
    make_account(name="公海医院", owner=None)
    accounts = list(Account.objects.select_related("owner", "team").order_by("pk"))

    with translation.override(language):
        built = account_rows_html(accounts, list(LIST_COLUMNS))
        cells = [(a, account_cells(a, list(LIST_COLUMNS))) for a in accounts]
        written = TEMPLATE_ROWS.render(Context({"rows": cells}))

    assert built.replace("\n", "") == written
    assert "&lt;b&gt;&quot;甲&amp;乙&quot;&lt;/b&gt; &#x27;x&#x27;" in built


@pytest.mark.django_db
def test_list_empty_state(rep):
    response = client_for(rep).get(reverse("accounts:list"))
    assert "还没有客户" in response.text
    response = client_for(rep).get(reverse("accounts:list"), {"q": "不存在"})
    assert "没有符合条件的客户" in response.text


@pytest.mark.django_db
def test_list_query_count_is_the_same_for_one_and_three_rows(rep, django_assert_num_queries):
    client = client_for(rep)
    make_account(owner=rep)
    client.get(reverse("accounts:list"))  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as one:
        response = client.get(reverse("accounts:list"))
    assert len(response.context["accounts"]) == 1
    AccountFactory.create_batch(2, owner=rep)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("accounts:list"))
    assert len(response.context["accounts"]) == 3


# ---- saved views ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_saved_view_save_apply_default_and_delete(rep):
    make_account(name="陕西电信", owner=rep, industry="telecom")
    make_account(name="西安市第一医院", owner=rep, industry="healthcare")
    client = client_for(rep)
    response = client.post(
        reverse("users:saved_view_save"),
        {"list_key": "accounts", "name": "通信客户",
         "query_string": "industry=telecom&sort=-name&cols=grade&page=3", "is_default": "on"},
    )  # fmt: skip
    view = SavedView.objects.get(user=rep, list_key="accounts")
    assert view.name == "通信客户"
    assert view.is_default
    assert view.columns == ["grade"]
    assert response.status_code == 302
    # Opening the list without parameters applies the default view.
    opened = client.get(reverse("accounts:list"))
    assert opened.status_code == 302
    assert "industry=telecom" in opened["Location"]
    text = client.get(opened["Location"]).text
    assert "陕西电信" in text
    assert "西安市第一医院" not in text
    # reset=1 shows everything
    assert "西安市第一医院" in client.get(reverse("accounts:list"), {"reset": 1}).text
    client.post(reverse("users:saved_view_default", args=[view.pk]), {"is_default": "0"})
    view.refresh_from_db()
    assert not view.is_default
    assert client.get(reverse("accounts:list")).status_code == 200
    client.post(reverse("users:saved_view_delete", args=[view.pk]))
    assert not SavedView.objects.exists()


@pytest.mark.django_db
def test_saved_views_of_others_cannot_be_touched(rep, colleague):
    view = SavedView.objects.create(
        user=colleague, list_key="accounts", name="我的", query_string=""
    )
    response = client_for(rep).post(reverse("users:saved_view_delete", args=[view.pk]))
    assert response.status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()


# ---- export -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_without_permission_is_403_and_not_logged(rep):
    make_account(owner=rep)
    client = client_for(rep)
    assert client.get(reverse("accounts:export")).status_code == 403
    assert "export-xlsx" not in client.get(reverse("accounts:list")).text
    assert not ExportLog.objects.exists()


@pytest.mark.django_db
def test_export_csv_is_filtered_logged_and_formula_safe(rep, other_rep):
    _grant_export(rep)
    make_account(name='=HYPERLINK("http://evil")', owner=rep, industry="telecom")
    make_account(name="陕西电信", owner=rep, industry="telecom")
    make_account(name="西安市第一医院", owner=rep, industry="healthcare")
    make_account(name="别人的客户", owner=other_rep, industry="telecom")
    response = client_for(rep).get(
        reverse("accounts:export"), {"format": "csv", "industry": "telecom"}
    )
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    names = sorted(row[0] for row in rows[1:])
    assert names == sorted(['\'=HYPERLINK("http://evil")', "陕西电信"])
    log = ExportLog.objects.get()
    assert (log.user, log.file_format, log.row_count) == (rep, "csv", 2)
    assert "industry=telecom" in log.filters


@pytest.mark.django_db
def test_export_xlsx_for_gm(gm, rep):
    make_account(name="陕西电信", owner=rep)
    response = client_for(gm).get(reverse("accounts:export"), {"format": "xlsx"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert sheet.cell(row=1, column=1).value == "客户名称"
    assert sheet.cell(row=2, column=1).value == "陕西电信"
    assert ExportLog.objects.get().row_count == 1
