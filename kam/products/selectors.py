"""Reads of the catalogue. Products are not customer data: no visibility filter applies."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from kam.products.models import Product, ProductLine, ProductPriceChange

SORTS = {
    "code": "code", "-code": "-code", "name": "name", "-name": "-name",
    "price": "list_price", "-price": "-list_price", "updated": "updated_at",
    "-updated": "-updated_at",
}  # fmt: skip


def products_list(
    *, line_id: int | None = None, active: bool | None = None, q: str = "", sort: str = ""
) -> QuerySet[Product]:
    rows = Product.objects.select_related("line")
    if line_id:
        rows = rows.filter(line_id=line_id)
    if active is not None:
        rows = rows.filter(active=active)
    if q := q.strip():
        rows = rows.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(name_en__icontains=q))
    order = SORTS.get(sort)
    return rows.order_by(order, "pk") if order else rows.order_by("line__sort_order", "code")


def product_get(pk: int) -> Product:
    return get_object_or_404(Product.objects.select_related("line"), pk=pk)


def product_lines(*, active_only: bool = False) -> QuerySet[ProductLine]:
    lines = ProductLine.objects.all()
    return lines.filter(active=True) if active_only else lines


def product_price_history(product: Product, limit: int = 100) -> QuerySet[ProductPriceChange]:
    return product.price_changes.select_related("actor")[:limit]
