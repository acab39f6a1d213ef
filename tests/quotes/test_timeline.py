"""Quote versions on the account timeline: the net total travels in the timeline's JSON
payload and comes out to the fen."""

from decimal import Decimal

from kam.interactions.selectors import account_timeline
from kam.quotes.models import QuoteVersion
from kam.quotes.services import quote_version_create


def _quote_totals(deal):
    items = account_timeline(account=deal.account)
    return [i.title.rsplit("不含税 ", 1)[1] for i in items if i.kind == "quote"]


def test_quote_totals_on_the_account_timeline_are_exact(deal, rep):
    quote = quote_version_create(opportunity=deal, actor=rep, data={})
    # 3 × 100,000 at 10 % off and 20 × 1,500 at 5 % off
    assert _quote_totals(deal) == ["298,500.00 元"]
    QuoteVersion.objects.filter(pk=quote.pk).update(net_total=Decimal("1234567890123.45"))
    assert _quote_totals(deal) == ["1,234,567,890,123.45 元"]
