from decimal import Decimal

import pytest

from kam.products.models import Product, ProductLine


@pytest.fixture
def line(db):
    return ProductLine.objects.create(name="5G专网", code="5G", sort_order=10)


@pytest.fixture
def product(line):
    return Product.objects.create(
        line=line,
        code="5G-PN-001",
        name="5G行业专网",
        unit="年",
        list_price=Decimal("1234567.00"),
        tax_rate=Decimal("0.06"),
    )
