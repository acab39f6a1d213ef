"""The deal list's rows, built in Python as the account list's are (kam/accounts/list_cells.py):
fifty rows of thirteen cells and their badges through the template engine were half of the
page's time. The HTML is the template's, tag for tag (tests/opportunities/test_list_rows.py)."""

import html
from collections.abc import Iterable
from datetime import date, datetime

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from kam.core.choices import choice_label
from kam.core.templatetags.kam_tags import yuan
from kam.opportunities.enums import ForecastCategory
from kam.opportunities.models import Opportunity
from kam.opportunities.panels import Badge


def _text(value: object) -> str:
    """What `{{ value }}` writes: the value as text, escaped (None as "None", like the engine)."""
    return value if isinstance(value, SafeString) else html.escape(str(value))


def _day(value: date | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "—"


def _moment(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _badges(badges: list[Badge]) -> str:
    return "".join(
        f' <span class="badge {_text(b.tone)}" title="{_text(b.title)}">{_text(b.label)}</span>'
        for b in badges
    )


def opportunity_rows_html(rows: Iterable[tuple[Opportunity, list[Badge]]]) -> SafeString:
    """The table body: one row per deal with its badges after the name."""
    lines = []
    for deal, badges in rows:
        url = _text(deal.get_absolute_url())
        cells = [
            f'<a href="{url}">{_text(deal.number)}</a>',
            f'<a href="{url}">{_text(deal.name)}</a>{_badges(badges)}',
            _text(deal.account.name),
            _text(deal.owner),
            f'<span class="badge stage-kind-{_text(deal.stage.kind)}">'
            f"{_text(deal.stage.display_name)}</span>",
            yuan(deal.amount),
            yuan(deal.weighted_amount),
            _day(deal.expected_sign_date),
            f"{deal.probability}%",
            _text(choice_label(ForecastCategory, deal.forecast_category)),
            _text(deal.intent_class or "—"),
            _text(deal.project_class or "—"),
            _moment(deal.updated_at),
        ]
        numeric = {5, 6, 8}
        tds = "".join(
            f'<td class="num">{cell}</td>' if n in numeric else f"<td>{cell}</td>"
            for n, cell in enumerate(cells)
        )
        lines.append(f'<tr data-opportunity="{deal.pk}">{tds}</tr>')
    return mark_safe("\n".join(lines))  # noqa: S308 - every part is escaped above
