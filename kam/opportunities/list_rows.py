"""The deal list's rows, built in Python as the account list's are (kam/accounts/list_cells.py):
fifty rows of thirteen cells and their badges through the template engine were half of the
page's time. The HTML is the template's, tag for tag (tests/opportunities/test_list_rows.py)."""

from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe

from kam.core.choices import choice_label
from kam.core.rows import cell_day, cell_moment, cell_text
from kam.core.templatetags.kam_tags import yuan
from kam.opportunities.enums import ForecastCategory
from kam.opportunities.models import Opportunity
from kam.opportunities.panels import Badge


def _badges(badges: list[Badge]) -> str:
    return "".join(
        f' <span class="badge {cell_text(b.tone)}" title="{cell_text(b.title)}">'
        f"{cell_text(b.label)}</span>"
        for b in badges
    )


def opportunity_rows_html(rows: Iterable[tuple[Opportunity, list[Badge]]]) -> SafeString:
    """The table body: one row per deal with its badges after the name."""
    lines = []
    for deal, badges in rows:
        url = cell_text(deal.get_absolute_url())
        cells = [
            f'<a href="{url}">{cell_text(deal.number)}</a>',
            f'<a href="{url}">{cell_text(deal.name)}</a>{_badges(badges)}',
            cell_text(deal.account.name),
            cell_text(deal.owner),
            f'<span class="badge stage-kind-{cell_text(deal.stage.kind)}">'
            f"{cell_text(deal.stage.display_name)}</span>",
            yuan(deal.amount),
            yuan(deal.weighted_amount),
            cell_day(deal.expected_sign_date) or "—",
            f"{deal.probability}%",
            cell_text(choice_label(ForecastCategory, deal.forecast_category)),
            cell_text(deal.intent_class or "—"),
            cell_text(deal.project_class or "—"),
            cell_moment(deal.updated_at),
        ]
        numeric = {5, 6, 8}
        tds = "".join(
            f'<td class="num">{cell}</td>' if n in numeric else f"<td>{cell}</td>"
            for n, cell in enumerate(cells)
        )
        lines.append(f'<tr data-opportunity="{deal.pk}">{tds}</tr>')
    return mark_safe("\n".join(lines))  # noqa: S308 - every part is escaped above
