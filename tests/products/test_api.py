from decimal import Decimal

import pytest
from django.test import Client

from kam.products.models import Product, ProductPriceChange
from kam.users.services import api_token_create

BASE = "/api/products"


def api_client(user):
    _token, key = api_token_create(user=user, name="t")
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_api_list_serialises_prices_as_strings(product, rep):
    client, auth = api_client(rep)
    body = client.get(f"{BASE}/", **auth).json()
    assert body["next_offset"] is None
    item = body["items"][0]
    assert item["list_price"] == "1234567.00"
    assert item["tax_rate"] == "0.06"
    assert isinstance(item["list_price"], str)


def test_api_list_filters_and_pages(product, rep):
    for n in range(3):
        Product.objects.create(
            line=product.line, code=f"A-{n}", name=f"附加{n}", unit="台",
            list_price=Decimal("1"), active=n != 0,
        )  # fmt: skip
    client, auth = api_client(rep)
    body = client.get(f"{BASE}/?limit=2", **auth).json()
    assert len(body["items"]) == 2 and body["next_offset"] == 2
    body = client.get(f"{BASE}/?q=附加&active=true", **auth).json()
    assert sorted(i["code"] for i in body["items"]) == ["A-1", "A-2"]
    body = client.get(f"{BASE}/?line_id={product.line_id + 99}", **auth).json()
    assert body["items"] == []


@pytest.mark.parametrize("count", [1, 3])
def test_api_list_query_count_is_constant(line, rep, count, django_assert_num_queries):
    for n in range(count):
        Product.objects.create(line=line, code=f"C-{n}", name="x", unit="台", list_price=1)
    client, auth = api_client(rep)
    with django_assert_num_queries(3):  # token, token touch, the page
        body = client.get(f"{BASE}/", **auth).json()
    assert len(body["items"]) == count


def test_api_get_and_404(product, rep):
    client, auth = api_client(rep)
    assert client.get(f"{BASE}/{product.pk}", **auth).json()["code"] == product.code
    assert client.get(f"{BASE}/{product.pk + 999}", **auth).status_code == 404


def test_api_writes_are_forbidden_for_rep(product, rep):
    client, auth = api_client(rep)
    payload = {"line_id": product.line_id, "code": "N-1", "name": "x", "unit": "套",
               "list_price": "1.00"}  # fmt: skip
    response = client.post(f"{BASE}/", payload, content_type="application/json", **auth)
    assert response.status_code == 403
    response = client.patch(
        f"{BASE}/{product.pk}", {"version": 1, "list_price": "1.00"},
        content_type="application/json", **auth,
    )  # fmt: skip
    assert response.status_code == 403
    assert Product.objects.count() == 1
    product.refresh_from_db()
    assert product.list_price == Decimal("1234567.00")


def test_api_create_and_update_for_gm(line, gm):
    client, auth = api_client(gm)
    payload = {"line_id": line.pk, "code": "N-1", "name": "新产品", "unit": "套",
               "list_price": "99.90", "tax_rate": "0.09"}  # fmt: skip
    response = client.post(f"{BASE}/", payload, content_type="application/json", **auth)
    assert response.status_code == 201
    created = response.json()
    assert created["list_price"] == "99.90"
    patch = {"version": created["version"], "list_price": "120", "reason": "r"}
    response = client.patch(
        f"{BASE}/{created['id']}", patch, content_type="application/json", **auth
    )
    assert response.status_code == 200
    assert response.json()["list_price"] == "120.00"
    assert ProductPriceChange.objects.get().new_price == Decimal("120.00")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"list_price": "-1"}, "list_price"), ({"list_price": "1.005"}, "list_price"),
     ({"tax_rate": "0.17"}, "tax_rate"), ({"line_id": 999999}, "line_id"),
     ({"code": ""}, "code")],
)  # fmt: skip
def test_api_create_returns_422_field_errors(line, admin_user, overrides, field):
    client, auth = api_client(admin_user)
    payload = {"line_id": line.pk, "code": "N-1", "name": "新产品", "unit": "套",
               "list_price": "1.00", **overrides}  # fmt: skip
    response = client.post(f"{BASE}/", payload, content_type="application/json", **auth)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not Product.objects.exists()


def test_api_update_stale_version_is_422(product, gm):
    client, auth = api_client(gm)
    response = client.patch(
        f"{BASE}/{product.pk}", {"version": 7, "list_price": "1.00"},
        content_type="application/json", **auth,
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json()["errors"]["version"] == ["该记录已被他人修改，请刷新后重试。"]
