"""Quote versions on the account timeline (R-ACT-3)."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kam.interactions.selectors import TimelineItem, TimelineSource
from kam.quotes.models import QuoteVersion


def _quote_items(rows: QuerySet[QuoteVersion]) -> list[TimelineItem]:
    return [
        TimelineItem(
            at=row.created_at,
            kind="quote",
            label=_("报价"),
            title=_("%(deal)s 报价第 %(no)s 版（%(status)s），不含税 %(total)s 元")
            % {
                "deal": row.opportunity.name,
                "no": row.version_no,
                "status": row.get_status_display(),
                "total": f"{row.net_total:,.2f}",
            },
            url=row.get_absolute_url(),
            actor=str(row.created_by),
            obj=row,
            tiebreak=row.pk,
        )
        for row in rows.select_related("opportunity", "created_by")
    ]


quote_source = TimelineSource(
    events=lambda account: QuoteVersion.objects.filter(opportunity__account_id=account.pk),
    at="created_at",
    kind="quote",
    items=_quote_items,
)
