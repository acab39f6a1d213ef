from decimal import Decimal

from kam.products.demo import PRODUCTS, demo_products_create
from kam.products.models import Product, ProductLine


def test_demo_catalogue_is_created_once(db):
    assert demo_products_create() == len(PRODUCTS)
    assert demo_products_create() == 0
    assert ProductLine.objects.count() == 6
    assert Product.objects.count() == len(PRODUCTS) >= 30
    product = Product.objects.get(code="5G-PN-001")
    assert product.line.name == "5G专网"
    assert product.list_price == Decimal("360000.00")
    assert product.tax_rate == Decimal("0.06")
    assert set(Product.objects.values_list("unit", flat=True)) >= {"套", "台", "年", "人天"}
