"""Version totals: exact Decimal, each line rounded once, and the parts add up to the whole."""

from decimal import Decimal

import pytest

from kam.quotes.services import quote_version_create
from kam.quotes.totals import discount_rate, line_figures, totals
from tests.factories import ProductFactory
from tests.quotes.conftest import make_deal

D = Decimal


@pytest.mark.parametrize(
    ("quantity", "price", "discount", "tax", "list_amount", "net", "tax_amount"),
    [
        ("1", "100.00", "0", "0.13", "100.00", "100.00", "13.00"),
        ("3", "33.33", "0", "0.06", "99.99", "99.99", "6.00"),
        # 0.005 rounds half up to the fen, once per line
        ("1", "0.05", "10", "0.13", "0.05", "0.05", "0.01"),
        ("3", "10.01", "12.5", "0.09", "30.03", "26.28", "2.37"),
        ("2", "1234.56", "100", "0.13", "2469.12", "0.00", "0.00"),
        ("0.5", "99.99", "33.33", "0.00", "50.00", "33.33", "0.00"),
    ],
)
def test_line_figures(quantity, price, discount, tax, list_amount, net, tax_amount):
    figures = line_figures(D(quantity), D(price), D(discount), D(tax))
    assert figures.list_amount == D(list_amount)
    assert figures.net_amount == D(net)
    assert figures.tax_amount == D(tax_amount)


@pytest.mark.parametrize(
    ("list_total", "net_total", "rate"),
    [
        ("100.00", "100.00", "0.00"),
        ("100.00", "0.00", "100.00"),
        ("0.00", "0.00", "0.00"),
        ("300.00", "200.00", "33.33"),
        ("3.00", "1.00", "66.67"),
    ],
)
def test_discount_rate(list_total, net_total, rate):
    assert discount_rate(D(list_total), D(net_total)) == D(rate)


def test_totals_are_sums_of_lines():
    lines = [
        line_figures(D("3"), D("10.01"), D("12.5"), D("0.09")),
        line_figures(D("1"), D("0.05"), D("10"), D("0.13")),
    ]
    result = totals(lines)
    assert result.list_total == D("30.08")
    assert result.net_total == D("26.33")
    assert result.discount_total == result.list_total - result.net_total
    assert result.tax_total == D("2.38")
    assert result.gross_total == D("28.71")


@pytest.mark.parametrize(
    ("discounts", "net", "tax", "max_discount"),
    [
        (("0", "0"), "330000.00", "40800.00", "0.00"),
        (("10", "5"), "298500.00", "36810.00", "10.00"),
        (("100", "100"), "0.00", "0.00", "100.00"),
        (("12.35", "0"), "292950.00", "35983.50", "12.35"),
    ],
)
def test_version_totals_from_deal_lines(customer, rep, products, discounts, net, tax, max_discount):
    deal = make_deal(customer, rep, products, discounts)
    quote = quote_version_create(opportunity=deal, actor=rep, data={})
    lines = list(quote.lines.order_by("position"))
    assert [line.product_name for line in lines] == ["工业互联网平台", "实施服务"]
    assert quote.list_total == D("330000.00")
    assert quote.net_total == D(net) == deal.amount
    assert quote.tax_total == D(tax)
    assert quote.max_discount_rate == D(max_discount)
    # sums of parts equal the whole
    assert quote.list_total == sum(line.list_amount for line in lines)
    assert quote.net_total == sum(line.net_amount for line in lines)
    assert quote.tax_total == sum(line.tax_amount for line in lines)
    assert quote.discount_total == quote.list_total - quote.net_total
    assert quote.gross_total == quote.net_total + quote.tax_total
    assert lines[1].tax_rate == D("0.06")


def test_lines_are_a_snapshot(deal, rep, products):
    quote = quote_version_create(opportunity=deal, actor=rep, data={})
    products[0].name = "改名后的平台"
    products[0].list_price = D("1.00")
    products[0].save()
    line = quote.lines.get(position=1)
    assert line.product_name == "工业互联网平台"
    assert line.unit_price == D("100000.00")


def test_rounding_across_many_lines(rep, customer):
    product = ProductFactory(list_price=D("0.03"), tax_rate=D("0.13"))
    deal = make_deal(customer, rep, [product, product], ("33.33", "33.33"))
    quote = quote_version_create(opportunity=deal, actor=rep, data={})
    assert quote.net_total == sum(line.net_amount for line in quote.lines.all())
    assert quote.tax_total == sum(line.tax_amount for line in quote.lines.all())
