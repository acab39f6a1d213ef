"""Review notes and managers' comments on the account timeline (R-ACT-3), kind "review"."""

from typing import Any

from django.db.models import Q
from django.db.models.fields.json import KeyTextTransform
from django.urls import reverse
from django.utils.translation import gettext as _

from kam.interactions.selectors import TimelineItem, TimelineSource, user_text
from kam.reviews.models import ReviewComment, ReviewItem


def _on_account(account_id: int, prefix: str = "") -> Q:
    return Q(**{f"{prefix}opportunity__account_id": account_id}) | Q(
        **{f"{prefix}lead__account_id": account_id}
    )


def _sheet_url(values: dict[str, Any]) -> str:
    """`ReviewSheet.get_absolute_url()`; the payload has the day as ISO text already."""
    return reverse("reviews:sheet", args=[values["rep_id"], values["day"]])


def _note_item(values: dict[str, Any]) -> TimelineItem:
    return TimelineItem(
        at=values["at"],
        kind="review",
        label=_("理单"),
        title=_("理单备注：%(name)s") % {"name": values["name"] or ""},
        detail=" ".join(
            part
            for part in (
                values["rep_note"],
                _("下一步：") + values["next_step"] if values["next_step"] else "",
            )
            if part
        ),
        url=_sheet_url(values),
        actor=values["rep"],
        tiebreak=values["pk"],
    )


def _comment_item(values: dict[str, Any]) -> TimelineItem:
    return TimelineItem(
        at=values["at"],
        kind="review",
        label=_("理单"),
        title=_("理单点评：%(name)s") % {"name": values["name"] or ""},
        detail=values["body"],
        url=_sheet_url(values),
        actor=values["author"],
        tiebreak=values["pk"],
    )


review_note_source = TimelineSource(
    events=lambda account_id: ReviewItem.objects.filter(_on_account(account_id)).exclude(
        rep_note="", next_step=""
    ),
    at="updated_at",
    kind="review",
    show={
        "name": KeyTextTransform("name", "snapshot"),
        "rep_note": "rep_note",
        "next_step": "next_step",
        "rep_id": "sheet__rep_id",
        "day": "sheet__day",
        "rep": user_text("sheet__rep"),
    },
    item=_note_item,
)
review_comment_source = TimelineSource(
    events=lambda account_id: ReviewComment.objects.filter(_on_account(account_id, "item__")),
    at="created_at",
    kind="review",
    show={
        "name": KeyTextTransform("name", "item__snapshot"),
        "body": "body",
        "rep_id": "sheet__rep_id",
        "day": "sheet__day",
        "author": user_text("author"),
    },
    item=_comment_item,
)
