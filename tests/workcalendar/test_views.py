"""The /calendar/ admin page: permissions, add, delete and the all-or-nothing bulk paste."""

import re
from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from kam.audit.models import FieldChange
from kam.workcalendar.enums import DayKind
from kam.workcalendar.models import CalendarDay
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=\"|\son[a-z]+=\"", re.I)
LIST = reverse("workcalendar:list")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("rep", 403), ("manager", 403), ("director", 403), ("finance", 403), ("admin_user", 200),
     ("gm", 200)],
)  # fmt: skip
def test_page_permissions(request, persona, status):
    client = client_for(request.getfixturevalue(persona))
    response = client.get(LIST + "?year=2026")
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "国庆节" in html
        assert 'data-day="2026-10-10"' in html
        assert not INLINE.search(html)


@pytest.mark.parametrize("url_name", ["workcalendar:add", "workcalendar:bulk"])
def test_rep_cannot_write(rep, url_name):
    data = {"date": "2026-03-09", "kind": "holiday", "name": "x", "lines": "2026-03-09 holiday x"}
    response = client_for(rep).post(reverse(url_name), data)
    assert response.status_code == 403
    assert not CalendarDay.objects.filter(date=date(2026, 3, 9)).exists()


def test_rep_cannot_delete(rep):
    day = CalendarDay.objects.get(date=date(2026, 10, 1))
    assert client_for(rep).post(reverse("workcalendar:delete", args=[day.pk])).status_code == 403
    assert CalendarDay.objects.filter(pk=day.pk).exists()


def test_admin_adds_a_day(admin_user):
    data = {"date": "2026-03-09", "kind": "holiday", "name": "公司假期", "year": "2026"}
    response = client_for(admin_user).post(reverse("workcalendar:add"), data)
    assert response.status_code == 302
    assert response["Location"] == LIST + "?year=2026"
    day = CalendarDay.objects.get(date=date(2026, 3, 9))
    assert (day.kind, day.name, day.created_by) == (DayKind.HOLIDAY, "公司假期", admin_user)
    changes = FieldChange.objects.filter(
        content_type=ContentType.objects.get_for_model(CalendarDay), object_id=day.pk
    )
    assert {c.field for c in changes} == {"date", "kind", "name"}
    assert all(c.actor == admin_user for c in changes)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"date": "2026-03-09", "kind": "makeup_workday", "name": "x"}, "date", "周六或周日"),
        ({"date": "2026-10-01", "kind": "holiday", "name": "x"}, "date", "已在日历中"),
        ({"date": "2026-03-09", "kind": "holiday", "name": ""}, "name", ""),
        ({"date": "2026-13-01", "kind": "holiday", "name": "x"}, "date", ""),
    ],
)
def test_add_refuses_bad_input(gm, data, field, message):
    before = CalendarDay.objects.count()
    response = client_for(gm).post(reverse("workcalendar:add"), data)
    assert response.status_code == 422
    errors = response.context["day_form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert CalendarDay.objects.count() == before


def test_admin_deletes_a_day(admin_user):
    day = CalendarDay.objects.get(date=date(2026, 10, 10))
    response = client_for(admin_user).post(reverse("workcalendar:delete", args=[day.pk]))
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(pk=day.pk).exists()


def test_delete_unknown_day_is_404(admin_user):
    assert (
        client_for(admin_user).post(reverse("workcalendar:delete", args=[999999])).status_code
        == 404
    )


def test_bulk_paste_adds_every_line(admin_user):
    text = (
        "2028-10-01 holiday 国庆节\n\n2028-10-02 节假日 国庆节\r\n2028-10-07 调休上班 国庆 调休\n"
    )
    response = client_for(admin_user).post(reverse("workcalendar:bulk"), {"lines": text})
    assert response.status_code == 302
    assert response["Location"] == LIST + "?year=2028"
    rows = list(CalendarDay.objects.filter(date__year=2028).values_list("date", "kind", "name"))
    assert rows == [
        (date(2028, 10, 1), "holiday", "国庆节"),
        (date(2028, 10, 2), "holiday", "国庆节"),
        (date(2028, 10, 7), "makeup_workday", "国庆 调休"),
    ]
    assert all(d.created_by == admin_user for d in CalendarDay.objects.filter(date__year=2028))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2028-10-01 holiday 国庆节\n2028-02-30 holiday 春节", ["第 2 行"]),
        ("2028-10-01 holiday 国庆节\n\n2028-10-02 vacation 国庆节", ["第 3 行"]),
        ("2028-10-01 holiday\n2028-10-03 holiday 国庆节\n2028-10-04", ["第 1 行", "第 3 行"]),
        ("2028-10-01 holiday 国庆节\n2028-10-01 holiday 国庆节", ["第 2 行：日期与第 1 行重复"]),
        ("2028-10-01 holiday 国庆节\n2028-10-03 makeup_workday 调休", ["第 2 行：调休上班只能"]),
        ("2028-10-01 holiday 国庆节\n2026-10-01 holiday 国庆节", ["第 2 行：这一天已在日历中"]),
        ("28-10-01 holiday 国庆节", ["第 1 行"]),
        ("\n  \n", ["必填"]),
    ],
)
def test_bulk_paste_errors_name_the_line_and_save_nothing(admin_user, text, expected):
    before = CalendarDay.objects.count()
    response = client_for(admin_user).post(reverse("workcalendar:bulk"), {"lines": text})
    assert response.status_code == 422
    errors = " ".join(response.context["bulk_form"].errors.get("lines", []))
    for fragment in expected:
        assert fragment in errors
    assert CalendarDay.objects.count() == before
    assert not CalendarDay.objects.filter(date__year=2028).exists()


@pytest.mark.parametrize("rows", [1, 3])
def test_page_queries_do_not_grow(admin_user, rows, django_assert_max_num_queries):
    for i in range(rows):
        CalendarDay.objects.create(
            date=date(2030, 1, 1 + i), kind="holiday", name="元旦", created_by=admin_user
        )
    client = client_for(admin_user)
    with django_assert_max_num_queries(6):
        response = client.get(LIST + "?year=2030")
    assert response.status_code == 200
    assert response.content.decode().count("data-day=") == rows
