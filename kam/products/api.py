"""/api/products — the same forms, services and selectors as the pages (R-API-1)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from kam.core.api import api_user, validation_errors
from kam.products.forms import ProductForm, product_initial
from kam.products.models import Product
from kam.products.rules import catalogue_manageable_by
from kam.products.schemas import (
    DetailOut,
    ErrorsOut,
    ProductIn,
    ProductListOut,
    ProductOut,
    ProductPatch,
)
from kam.products.selectors import product_get, products_list
from kam.products.services import product_create, product_update

router = Router(tags=["products"])

MAX_LIMIT = 100
FORBIDDEN = "只有管理员和总经理可以维护产品目录。"


def _out(product: Product) -> dict[str, Any]:
    return {
        "id": product.pk, "line_id": product.line_id, "line_name": product.line.name,
        "code": product.code, "name": product.name, "name_en": product.name_en,
        "unit": product.unit, "list_price": f"{product.list_price:.2f}",
        "tax_rate": f"{product.tax_rate:.2f}", "description": product.description,
        "active": product.active, "version": product.version,
    }  # fmt: skip


def _form_errors(form: ProductForm) -> dict[str, Any]:
    renamed = {"line": "line_id"}
    return {"errors": {renamed.get(k, k): list(v) for k, v in form.errors.items()}}


class ListFilters(Schema):
    line_id: int | None = None
    active: bool | None = None
    q: str = ""
    limit: int = 50
    offset: int = 0


@router.get("/", response=ProductListOut, summary="List the product catalogue")
def list_products(request: HttpRequest, filters: Query[ListFilters]) -> dict[str, Any]:
    limit = max(1, min(filters.limit, MAX_LIMIT))
    offset = max(0, filters.offset)
    rows = products_list(line_id=filters.line_id, active=filters.active, q=filters.q)
    page = list(rows[offset : offset + limit + 1])
    return {
        "items": [_out(p) for p in page[:limit]],
        "next_offset": offset + limit if len(page) > limit else None,
    }


@router.get("/{product_id}", response=ProductOut, summary="One product")
def get_product(request: HttpRequest, product_id: int) -> dict[str, Any]:
    return _out(product_get(product_id))


@router.post(
    "/",
    response={201: ProductOut, 403: DetailOut, 422: ErrorsOut},
    summary="Add a product (admins and the GM)",
)
def create_product(request: HttpRequest, payload: ProductIn) -> Any:
    user = api_user(request)
    if not catalogue_manageable_by(user):
        raise HttpError(403, FORBIDDEN)
    data = payload.dict()
    data["line"] = data.pop("line_id")
    form = ProductForm(data)
    if not form.is_valid():
        return Status(422, _form_errors(form))
    try:
        product = product_create(**form.service_data(), actor=user)
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    except PermissionDenied as error:
        raise HttpError(403, FORBIDDEN) from error
    return Status(201, _out(product_get(product.pk)))


@router.patch(
    "/{product_id}",
    response={200: ProductOut, 403: DetailOut, 422: ErrorsOut},
    summary="Change a product (send the version you based the change on)",
)
def update_product(request: HttpRequest, product_id: int, payload: ProductPatch) -> Any:
    user = api_user(request)
    product = product_get(product_id)
    if not catalogue_manageable_by(user):
        raise HttpError(403, FORBIDDEN)
    data = product_initial(product)
    sent = payload.dict(exclude_unset=True)
    if "line_id" in sent:
        sent["line"] = sent.pop("line_id")
    data.update(sent)
    form = ProductForm(data, instance=product)
    if not form.is_valid():
        return Status(422, _form_errors(form))
    try:
        product_update(
            product=product,
            version=payload.version,
            data=form.service_data(),
            actor=user,
            reason=payload.reason,
        )
    except ValidationError as error:
        return Status(422, {"errors": validation_errors(error)})
    except PermissionDenied as error:
        raise HttpError(403, FORBIDDEN) from error
    return Status(200, _out(product_get(product.pk)))
