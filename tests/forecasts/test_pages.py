import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from kam.audit.models import ExportLog
from tests.conftest import client_for
from tests.factories import ForecastSnapshotFactory
from tests.forecasts.conftest import Q4_2026

pytestmark = pytest.mark.django_db
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"|\son[a-z]+=\"", re.I)


@pytest.fixture
def book(rep, colleague, other_rep, deal):
    deal(rep, "1111.00", category="commit")
    deal(colleague, "2222.00", category="best_case")
    deal(other_rep, "4444.00", category="commit")
    deal(other_rep, "8888.00", won_at=datetime(2026, 11, 3, tzinfo=UTC))


def page(user, **params):
    return client_for(user).get(reverse("forecasts:index"), {"period": Q4_2026, **params})


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("rep", ["李销售", "1,111.00"], ["周销售", "郑销售", "2,222.00", "4,444.00", "8,888.00"]),
        ("manager", ["李销售", "周销售", "3,333.00"], ["郑销售", "4,444.00", "8,888.00"]),
        ("other_rep", ["郑销售", "4,444.00", "8,888.00"], ["李销售", "1,111.00"]),
        ("director", ["李销售", "周销售", "郑销售", "7,777.00", "8,888.00"], []),
        ("gm", ["李销售", "周销售", "郑销售", "7,777.00"], []),
        ("finance", ["本期没有可预测的商机"], ["李销售", "郑销售", "1,111.00"]),
    ],
)
def test_forecast_page_per_persona(request, book, persona, shown, hidden):
    response = page(request.getfixturevalue(persona))
    assert response.status_code == 200
    html = response.content.decode()
    for text in shown:
        assert text in html, text
    for text in hidden:
        assert text not in html, text
    assert response.context["forecast"].period.key == Q4_2026


def test_totals_row_and_drilldown_links(manager, rep, book):
    response = page(manager)
    forecast = response.context["forecast"]
    assert forecast.totals.pipeline_amount == Decimal("3333.00")
    html = response.content.decode()
    assert 'data-testid="forecast-totals"' in html
    assert (
        f"/opportunities/?owner={rep.pk}&amp;forecast_category=commit"
        "&amp;sign_from=2026-10-01&amp;sign_to=2026-12-31"
    ) in html


def test_group_by_team(director, book):
    response = page(director, group="team")
    labels = [row.label for row in response.context["forecast"].rows]
    assert sorted(labels) == ["一组", "二组"]
    assert "team=" in response.content.decode()


def test_default_period_is_this_quarter(rep, book):
    response = client_for(rep).get(reverse("forecasts:index"))
    assert response.status_code == 200
    assert re.fullmatch(r"\d{4}Q[1-4]", response.context["forecast"].period.key)


def test_bad_period_is_reported_on_the_field(rep, book):
    response = page(rep, period="2026Q9")
    assert response.status_code == 200
    assert response.context["form"].errors["period"]
    assert "期间格式" in response.content.decode()


def test_a_month_outside_the_picker_still_works(gm, book):
    response = page(gm, period="2026-11")
    assert response.context["forecast"].period.key == "2026-11"
    assert response.context["forecast"].totals.pipeline_amount == Decimal("7777.00")


def test_export_csv_has_the_rows_and_the_totals_and_is_logged(gm, book):
    response = client_for(gm).get(reverse("forecasts:export"), {"period": Q4_2026, "format": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert "郑销售" in body and "合计" in body and "7777.00" in body
    log = ExportLog.objects.get()
    assert (log.user, log.row_count) == (gm, 4)


def test_export_xlsx_with_the_export_permission(director, book):
    director.user_permissions.add(Permission.objects.get(codename="export_data"))
    response = client_for(director).get(reverse("forecasts:export"), {"period": Q4_2026})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('forecast-2026Q4.xlsx"')


def test_export_refused_without_the_permission(rep, book):
    response = client_for(rep).get(reverse("forecasts:export"), {"period": Q4_2026})
    assert response.status_code == 403
    assert not ExportLog.objects.exists()


def test_accuracy_page_with_chart(rep, other_rep, deal):
    ForecastSnapshotFactory(owner=rep, week_start=date(2026, 7, 6), period_key="2026Q3",
                            category="commit", amount=Decimal("800.00"))  # fmt: skip
    ForecastSnapshotFactory(owner=other_rep, week_start=date(2026, 7, 6), period_key="2026Q3",
                            category="commit", amount=Decimal("77777.00"))  # fmt: skip
    deal(rep, "1000.00", won_at=datetime(2026, 8, 3, tzinfo=UTC))
    response = client_for(rep).get(reverse("forecasts:accuracy"), {"period": "2026Q3"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="accuracy-chart"' in html
    assert "vendor/echarts/echarts.min.js" in html
    assert "&quot;800.00&quot;" in html  # the chart's data, as strings
    assert "-20.0%" in html
    assert "77777.00" not in html and "77777" not in html
    assert response.context["accuracy"].actual == Decimal("1000.00")


def test_accuracy_defaults_to_last_quarter_and_shows_an_empty_state(rep):
    response = client_for(rep).get(reverse("forecasts:accuracy"))
    assert response.status_code == 200
    assert response.context["accuracy"].weeks == []
    assert "forecast_snapshot" in response.content.decode()


def test_pages_have_no_inline_script_or_style(rep, deal):
    deal(rep, "10.00", category="commit")
    ForecastSnapshotFactory(owner=rep, week_start=date(2026, 7, 6), period_key="2026Q3")
    client = client_for(rep)
    for url, params in [
        (reverse("forecasts:index"), {"period": Q4_2026}),
        (reverse("forecasts:index"), {"period": Q4_2026, "group": "team"}),
        (reverse("forecasts:accuracy"), {"period": "2026Q3"}),
    ]:
        html = client.get(url, params).content.decode()
        assert not INLINE_SCRIPT.search(html), url
        assert not INLINE_STYLE.search(html), url


def test_nav_link(rep):
    html = client_for(rep).get(reverse("forecasts:index")).content.decode()
    assert 'data-nav="forecasts"' in html


def test_login_required(client):
    response = client.get(reverse("forecasts:index"))
    assert response.status_code == 302
