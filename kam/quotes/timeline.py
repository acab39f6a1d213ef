"""Quote versions on the account timeline (R-ACT-3)."""

from datetime import datetime

from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.interactions.selectors import TimelineItem
from kam.quotes.models import QuoteVersion


def quote_items(account: Account, before: datetime | None, limit: int) -> list[TimelineItem]:
    rows = (
        QuoteVersion.objects.filter(opportunity__account_id=account.pk)
        .select_related("opportunity", "created_by")
        .order_by("-created_at", "-pk")
    )
    if before is not None:
        rows = rows.filter(created_at__lt=before)
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
        for row in rows[:limit]
    ]
