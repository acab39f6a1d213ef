"""Writes to the product catalogue: permission-checked, versioned, priced in Decimal, audited."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from kam.audit.services import audit_record_changes, audit_record_creation, audit_snapshot
from kam.core.versioning import lock_at_version
from kam.products.models import MAX_PRICE, TAX_RATES, Product, ProductLine, ProductPriceChange
from kam.products.rules import catalogue_manageable_by
from kam.users.models import User

PRODUCT_FIELDS = [
    "line", "code", "name", "name_en", "unit", "list_price", "tax_rate", "description",
]  # fmt: skip
LINE_FIELDS = ["name", "code", "sort_order", "active"]


def money_check(value: Any, *, field: str = "list_price") -> Decimal:
    """A price as an exact Decimal with at most 2 places; floats are a programming error."""
    if isinstance(value, (bool, float)):
        raise TypeError("Money must be Decimal, not float.")
    if isinstance(value, int):
        value = Decimal(value)
    if not isinstance(value, Decimal):
        raise TypeError("Money must be Decimal.")
    if not value.is_finite():
        raise ValidationError({field: [_("请输入有效的金额。")]})
    if value < 0:
        raise ValidationError({field: [_("价格不能为负数。")]})
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and value != value.quantize(Decimal("0.01")):
        raise ValidationError({field: [_("金额最多保留两位小数。")]})
    if value > MAX_PRICE:
        raise ValidationError({field: [_("金额过大。")]})
    return value.quantize(Decimal("0.01"))


def tax_rate_check(value: Any) -> Decimal:
    if isinstance(value, float):
        raise TypeError("Tax rates must be Decimal, not float.")
    if not isinstance(value, Decimal) or value not in {rate for rate, _label in TAX_RATES}:
        raise ValidationError({"tax_rate": [_("税率只能是 0%、6%、9% 或 13%。")]})
    return value.quantize(Decimal("0.01"))


def _require_manager(actor: User) -> None:
    if not catalogue_manageable_by(actor):
        raise PermissionDenied(_("只有管理员和总经理可以维护产品目录。"))


def _clean_product(data: dict[str, Any], *, exclude_pk: int | None = None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    clean = dict(data)
    for key, check in (("list_price", money_check), ("tax_rate", tax_rate_check)):
        if key in clean:
            try:
                clean[key] = check(clean[key])
            except ValidationError as error:
                errors.update(error.message_dict)
    for key in ("code", "name", "unit"):
        if key in clean:
            clean[key] = (clean[key] or "").strip()
            if not clean[key]:
                errors[key] = [_("这个字段是必填项。")]
    if clean.get("code"):
        others = Product.objects.filter(code=clean["code"])
        if exclude_pk is not None:
            others = others.exclude(pk=exclude_pk)
        taken = others.exists()
        if taken:
            errors["code"] = [_("该产品编码已存在。")]
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def product_line_create(*, name: str, code: str, sort_order: int = 0, actor: User) -> ProductLine:
    _require_manager(actor)
    name, code = name.strip(), code.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("这个字段是必填项。")]
    if not code:
        errors["code"] = [_("这个字段是必填项。")]
    elif ProductLine.objects.filter(code=code).exists():
        errors["code"] = [_("该产品线编码已存在。")]
    if errors:
        raise ValidationError(errors)
    line = ProductLine.objects.create(name=name, code=code, sort_order=sort_order)
    audit_record_creation(instance=line, fields=LINE_FIELDS, actor=actor)
    return line


@transaction.atomic
def product_line_update(*, line: ProductLine, data: dict[str, Any], actor: User) -> ProductLine:
    _require_manager(actor)
    changes = {key: value for key, value in data.items() if key in LINE_FIELDS}
    if "code" in changes:
        changes["code"] = changes["code"].strip()
        if ProductLine.objects.filter(code=changes["code"]).exclude(pk=line.pk).exists():
            raise ValidationError({"code": [_("该产品线编码已存在。")]})
    if "name" in changes and not changes["name"].strip():
        raise ValidationError({"name": [_("这个字段是必填项。")]})
    before = audit_snapshot(line, list(changes))
    for key, value in changes.items():
        setattr(line, key, value)
    line.save(update_fields=list(changes))
    audit_record_changes(instance=line, before=before, actor=actor)
    return line


@transaction.atomic
def product_create(
    *,
    line: ProductLine,
    code: str,
    name: str,
    unit: str,
    list_price: Decimal,
    tax_rate: Decimal = Decimal("0.13"),
    name_en: str = "",
    description: str = "",
    actor: User,
) -> Product:
    _require_manager(actor)
    clean = _clean_product(
        {"code": code, "name": name, "unit": unit, "list_price": list_price, "tax_rate": tax_rate}
    )
    product = Product.objects.create(
        line=line, name_en=name_en.strip(), description=description, **clean
    )
    audit_record_creation(instance=product, fields=PRODUCT_FIELDS, actor=actor)
    return product


@transaction.atomic
def product_update(
    *, product: Product, version: int, data: dict[str, Any], actor: User, reason: str = ""
) -> Product:
    """Change a product based on `version`; a stale version is refused and nothing changes."""
    _require_manager(actor)
    changes = _clean_product(
        {key: value for key, value in data.items() if key in PRODUCT_FIELDS},
        exclude_pk=product.pk,
    )
    locked = lock_at_version(Product.objects.all(), pk=product.pk, version=version, field="version")
    before = audit_snapshot(locked, list(changes))
    old_price = locked.list_price
    for key, value in changes.items():
        setattr(locked, key, value)
    locked.version = F("version") + 1
    locked.save(update_fields=[*changes, "version", "updated_at"])
    locked.refresh_from_db()
    if locked.list_price != old_price:
        ProductPriceChange.objects.create(
            product=locked,
            old_price=old_price,
            new_price=locked.list_price,
            actor=actor,
            reason=reason.strip()[:200],
        )
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


@transaction.atomic
def _product_set_active(*, product: Product, active: bool, actor: User) -> Product:
    _require_manager(actor)
    locked = Product.objects.select_for_update().get(pk=product.pk)
    if locked.active == active:
        return locked
    before = audit_snapshot(locked, ["active"])
    locked.active = active
    locked.version = F("version") + 1
    locked.save(update_fields=["active", "version", "updated_at"])
    locked.refresh_from_db()
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


def product_deactivate(*, product: Product, actor: User) -> Product:
    return _product_set_active(product=product, active=False, actor=actor)


def product_activate(*, product: Product, actor: User) -> Product:
    return _product_set_active(product=product, active=True, actor=actor)
