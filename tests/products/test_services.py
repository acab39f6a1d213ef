from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kam.audit.models import FieldChange
from kam.products.models import Product, ProductPriceChange
from kam.products.rules import catalogue_manageable_by
from kam.products.services import (
    money_check,
    product_activate,
    product_create,
    product_deactivate,
    product_line_create,
    product_update,
    tax_rate_check,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("0"), Decimal("0.00")),
        (Decimal("12.5"), Decimal("12.50")),
        (Decimal("1234567.89"), Decimal("1234567.89")),
        (Decimal("999999999999.99"), Decimal("999999999999.99")),
        (Decimal("3.100"), Decimal("3.10")),
        (7, Decimal("7.00")),
    ],
)
def test_money_check_accepts_exact_amounts(value, expected):
    result = money_check(value)
    assert result == expected
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("-0.01"), "价格不能为负数。"),
        (Decimal("1.234"), "金额最多保留两位小数。"),
        (Decimal("1000000000000"), "金额过大。"),
        (Decimal("NaN"), "请输入有效的金额。"),
        (Decimal("Infinity"), "请输入有效的金额。"),
    ],
)
def test_money_check_refuses_bad_amounts_with_a_field_error(value, message):
    with pytest.raises(ValidationError) as error:
        money_check(value)
    assert error.value.message_dict == {"list_price": [message]}


@pytest.mark.parametrize("value", [1.5, 0.1, "12.00", None, True])
def test_money_check_refuses_floats_and_non_decimals_with_type_error(value):
    with pytest.raises(TypeError):
        money_check(value)


@pytest.mark.parametrize("rate", ["0", "0.06", "0.09", "0.13", "0.00"])
def test_tax_rate_check_accepts_known_rates(rate):
    assert tax_rate_check(Decimal(rate)) == Decimal(rate)


@pytest.mark.parametrize("rate", [Decimal("0.17"), Decimal("0.1"), Decimal("-0.06")])
def test_tax_rate_check_refuses_other_rates(rate):
    with pytest.raises(ValidationError) as error:
        tax_rate_check(rate)
    assert "tax_rate" in error.value.message_dict


def test_tax_rate_check_refuses_float():
    with pytest.raises(TypeError):
        tax_rate_check(0.13)


def test_catalogue_is_managed_only_by_admins_and_gm(
    rep, manager, director, gm, admin_user, finance
):
    assert catalogue_manageable_by(gm)
    assert catalogue_manageable_by(admin_user)
    for user in (rep, manager, director, finance):
        assert not catalogue_manageable_by(user)
    rep.is_superuser = True
    assert catalogue_manageable_by(rep)


def test_product_create_writes_row_and_creation_audit(line, admin_user):
    product = product_create(
        line=line, code=" SEC-001 ", name="等保测评", unit="套",
        list_price=Decimal("180000"), tax_rate=Decimal("0.06"), actor=admin_user,
    )  # fmt: skip
    product.refresh_from_db()
    assert product.code == "SEC-001"
    assert product.list_price == Decimal("180000.00")
    fields = set(FieldChange.objects.filter(object_id=product.pk).values_list("field", flat=True))
    assert {"code", "name", "unit", "list_price", "tax_rate", "line"} <= fields


def test_product_create_refuses_duplicate_code_and_writes_nothing(product, gm):
    with pytest.raises(ValidationError) as error:
        product_create(
            line=product.line, code=product.code, name="x", unit="套",
            list_price=Decimal("1"), actor=gm,
        )  # fmt: skip
    assert "code" in error.value.message_dict
    assert Product.objects.count() == 1


def test_product_create_refuses_float_price(line, gm):
    with pytest.raises(TypeError):
        product_create(line=line, code="X-1", name="x", unit="套", list_price=1.5, actor=gm)
    assert not Product.objects.exists()


def test_product_create_by_rep_is_denied(line, rep):
    with pytest.raises(PermissionDenied):
        product_create(line=line, code="X-1", name="x", unit="套", list_price=Decimal(1), actor=rep)
    assert not Product.objects.exists()


def test_price_change_writes_history_and_audit(product, gm):
    product_update(
        product=product, version=product.version,
        data={"list_price": Decimal("1300000.50")}, actor=gm, reason="年度调价",
    )  # fmt: skip
    product.refresh_from_db()
    assert product.list_price == Decimal("1300000.50")
    assert product.version == 2
    change = ProductPriceChange.objects.get()
    assert (change.old_price, change.new_price) == (Decimal("1234567.00"), Decimal("1300000.50"))
    assert change.actor == gm
    assert change.reason == "年度调价"
    audit = FieldChange.objects.get(object_id=product.pk, field="list_price")
    assert (audit.old_value, audit.new_value, audit.actor) == ("1234567.00", "1300000.50", gm)


def test_update_without_price_change_writes_no_price_history(product, gm):
    product_update(product=product, version=1, data={"name": "新名称"}, actor=gm)
    assert not ProductPriceChange.objects.exists()
    assert FieldChange.objects.filter(object_id=product.pk, field="name").exists()


def test_update_with_stale_version_is_refused_and_nothing_changes(product, gm, admin_user):
    product_update(product=product, version=1, data={"name": "甲"}, actor=gm)
    with pytest.raises(ValidationError) as error:
        product_update(
            product=product, version=1, data={"list_price": Decimal("1")}, actor=admin_user
        )
    assert error.value.message_dict == {"version": ["该记录已被他人修改，请刷新后重试。"]}
    product.refresh_from_db()
    assert product.list_price == Decimal("1234567.00")
    assert product.name == "甲"
    assert not ProductPriceChange.objects.exists()


def test_update_with_bad_price_is_refused_and_nothing_changes(product, gm):
    with pytest.raises(ValidationError) as error:
        product_update(product=product, version=1, data={"list_price": Decimal("-5")}, actor=gm)
    assert "list_price" in error.value.message_dict
    product.refresh_from_db()
    assert product.version == 1
    assert not FieldChange.objects.exists()


def test_deactivate_and_activate_are_audited(product, admin_user):
    product_deactivate(product=product, actor=admin_user)
    product.refresh_from_db()
    assert product.active is False
    product_activate(product=product, actor=admin_user)
    product.refresh_from_db()
    assert product.active is True
    values = list(
        FieldChange.objects.filter(object_id=product.pk, field="active")
        .order_by("pk")
        .values_list("new_value", flat=True)
    )
    assert values == ["否", "是"]


def test_product_line_create_refuses_duplicate_code(line, gm):
    with pytest.raises(ValidationError) as error:
        product_line_create(name="另一个", code=line.code, actor=gm)
    assert "code" in error.value.message_dict
