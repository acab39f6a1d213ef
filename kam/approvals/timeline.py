"""Approvals on the account timeline (R-ACT-3): each request, with where it stands."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kam.approvals.models import Approval
from kam.approvals.registry import approval_type_label
from kam.interactions.selectors import TimelineItem, TimelineSource


def _approval_items(rows: QuerySet[Approval]) -> list[TimelineItem]:
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
        for row in rows.select_related("requester")
    ]


approval_source = TimelineSource(
    events=lambda account: Approval.objects.filter(account_id=account.pk),
    at="submitted_at",
    kind="approval",
    items=_approval_items,
)
