"""Approvals on the account timeline (R-ACT-3): each request, with where it stands."""

from datetime import datetime

from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.approvals.models import Approval
from kam.approvals.registry import approval_type_label
from kam.interactions.selectors import TimelineItem


def approval_items(account: Account, before: datetime | None, limit: int) -> list[TimelineItem]:
    rows = (
        Approval.objects.filter(account_id=account.pk)
        .select_related("requester")
        .order_by("-submitted_at", "-pk")
    )
    if before is not None:
        rows = rows.filter(submitted_at__lt=before)
    return [
        TimelineItem(
            at=row.submitted_at,
            kind="approval",
            label=_("审批"),
            title=f"{approval_type_label(row.type_code)}：{row.title}（{row.get_status_display()}）",
            url=row.get_absolute_url(),
            actor=str(row.requester),
            obj=row,
            tiebreak=row.pk,
        )
        for row in rows[:limit]
    ]
