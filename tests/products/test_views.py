from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kam.audit.models import ExportLog, FieldChange
from kam.products.models import Product, ProductLine, ProductPriceChange
from tests.conftest import client_for


def _form_data(line, **overrides):
    data = {
        "line": line.pk, "code": "MED-001", "name": "互联网医院平台", "name_en": "",
        "unit": "套", "list_price": "880000.00", "tax_rate": "0.13", "description": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_rep_reads_list_and_detail_with_formatted_prices(product, rep):
    client = client_for(rep)
    page = client.get(reverse("products:list")).content.decode()
    assert "¥1,234,567.00" in page
    assert reverse("products:create") not in page
    detail = client.get(product.get_absolute_url()).content.decode()
    assert "¥1,234,567.00" in detail
    assert "6%" in detail
    assert reverse("products:edit", args=[product.pk]) not in detail


def test_rep_gets_403_on_create_edit_and_lines(product, rep):
    client = client_for(rep)
    assert client.get(reverse("products:create")).status_code == 403
    assert client.post(reverse("products:create"), _form_data(product.line)).status_code == 403
    assert client.get(reverse("products:edit", args=[product.pk])).status_code == 403
    response = client.post(reverse("products:line_create"), {"name": "x", "code": "X"})
    assert response.status_code == 403
    response = client.post(reverse("products:set_active", args=[product.pk]), {"active": "0"})
    assert response.status_code == 403
    assert Product.objects.count() == 1
    assert ProductLine.objects.count() == 1
    product.refresh_from_db()
    assert product.active


@pytest.mark.parametrize("persona", ["gm", "admin_user"])
def test_managers_create_a_product(request, persona, line):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(reverse("products:create")).status_code == 200
    response = client.post(reverse("products:create"), _form_data(line))
    product = Product.objects.get(code="MED-001")
    assert response.status_code == 302
    assert response["Location"] == product.get_absolute_url()
    assert product.list_price == Decimal("880000.00")
    assert product.tax_rate == Decimal("0.13")
    assert FieldChange.objects.filter(object_id=product.pk, actor=user).exists()


@pytest.mark.parametrize(
    ("price", "field_error"),
    [("-1", "list_price"), ("1.234", "list_price"), ("1000000000000", "list_price"),
     ("abc", "list_price")],
)  # fmt: skip
def test_create_refuses_bad_prices_with_field_errors(line, gm, price, field_error):
    response = client_for(gm).post(reverse("products:create"), _form_data(line, list_price=price))
    assert response.status_code == 422
    assert f'data-field="{field_error}"' in response.content.decode()
    assert not Product.objects.exists()


def test_create_refuses_unknown_tax_rate(line, gm):
    response = client_for(gm).post(reverse("products:create"), _form_data(line, tax_rate="0.17"))
    assert response.status_code == 422
    assert 'data-field="tax_rate"' in response.content.decode()
    assert not Product.objects.exists()


def test_edit_changes_price_and_shows_history(product, admin_user):
    client = client_for(admin_user)
    data = _form_data(
        product.line, code=product.code, list_price="1500000", version="1", reason="成本上涨"
    )
    response = client.post(reverse("products:edit", args=[product.pk]), data)
    assert response.status_code == 302
    change = ProductPriceChange.objects.get()
    assert change.new_price == Decimal("1500000.00")
    detail = client.get(product.get_absolute_url()).content.decode()
    assert "¥1,500,000.00" in detail
    assert "成本上涨" in detail


def test_edit_with_stale_version_shows_the_conflict(product, admin_user):
    client = client_for(admin_user)
    data = _form_data(product.line, code=product.code, list_price="1", version="0")
    response = client.post(reverse("products:edit", args=[product.pk]), data)
    assert response.status_code == 422
    assert "该记录已被他人修改，请刷新后重试。" in response.content.decode()
    product.refresh_from_db()
    assert product.list_price == Decimal("1234567.00")


def test_gm_deactivates_product(product, gm):
    client = client_for(gm)
    client.post(reverse("products:set_active", args=[product.pk]), {"active": "0"})
    product.refresh_from_db()
    assert product.active is False
    page = client.get(reverse("products:list"), {"active": "1"}).content.decode()
    assert product.code not in page


def test_manager_adds_a_product_line_on_the_list_page(gm, line):
    client = client_for(gm)
    response = client.post(reverse("products:line_create"), {"name": "政务云", "code": "GOV"})
    assert response.status_code == 302
    assert ProductLine.objects.filter(code="GOV", name="政务云").exists()
    response = client.post(reverse("products:line_create"), {"name": "重复", "code": "GOV"})
    assert response.status_code == 422
    assert ProductLine.objects.filter(code="GOV").count() == 1


def test_list_filters_by_text_and_line(product, rep):
    other_line = ProductLine.objects.create(name="安全服务", code="SEC")
    Product.objects.create(
        line=other_line, code="SEC-001", name="等保测评", unit="套", list_price=Decimal("1")
    )
    client = client_for(rep)
    page = client.get(reverse("products:list"), {"q": "等保"}).content.decode()
    assert "SEC-001" in page and "5G-PN-001" not in page
    page = client.get(reverse("products:list"), {"line": product.line.pk}).content.decode()
    assert "5G-PN-001" in page and "SEC-001" not in page


def _list_queries(client, count, line):
    for n in range(count):
        Product.objects.create(
            line=line, code=f"Q-{count}-{n}", name="产品", unit="台", list_price=Decimal("9.90")
        )
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("products:list")).status_code == 200
    Product.objects.filter(code__startswith="Q-").delete()
    return len(queries)


def test_list_query_count_is_constant(line, rep):
    client = client_for(rep)
    client.get(reverse("products:list"))  # warm session and content types
    assert _list_queries(client, 1, line) == _list_queries(client, 3, line)


def test_export_needs_permission_and_is_logged(product, rep):
    client = client_for(rep)
    assert client.get(reverse("products:export")).status_code == 403
    assert not ExportLog.objects.exists()
    rep.user_permissions.add(Permission.objects.get(codename="export_data"))
    client = client_for(rep)
    response = client.get(reverse("products:export"), {"format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert "5G-PN-001" in body
    assert "1234567.00" in body
    log = ExportLog.objects.get()
    assert (log.user, log.file_format, log.row_count) == (rep, "csv", 1)


def test_export_xlsx_for_gm(product, gm):
    response = client_for(gm).get(reverse("products:export"), {"format": "xlsx"})
    assert response.status_code == 200
    assert ExportLog.objects.get().file_format == "xlsx"
