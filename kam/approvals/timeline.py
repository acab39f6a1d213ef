"""Approvals on the account timeline (R-ACT-3): each request, with where it stands."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from kam.approvals.enums import ApprovalStatus
from kam.approvals.models import Approval
from kam.approvals.registry import approval_type_label
from kam.core.choices import choice_label
from kam.interactions.selectors import TimelineItem, TimelineSource, user_text


def _approval_item(values: dict[str, Any]) -> TimelineItem:
    status = choice_label(ApprovalStatus, values["status"])
    return TimelineItem(
        at=values["at"],
        kind="approval",
        label=_("审批"),
        title=f"{approval_type_label(values['type_code'])}：{values['title']}（{status}）",
        url=reverse("approvals:detail", args=[values["pk"]]),
        actor=values["requester"],
        tiebreak=values["pk"],
    )


approval_source = TimelineSource(
    events=lambda account_id: Approval.objects.filter(account_id=account_id),
    at="submitted_at",
    kind="approval",
    show={
        "type_code": "type_code",
        "title": "title",
        "status": "status",
        "requester": user_text("requester"),
    },
    item=_approval_item,
)
