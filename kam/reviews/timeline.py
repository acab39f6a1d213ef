"""Review notes and managers' comments on the account timeline (R-ACT-3), kind "review"."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.interactions.selectors import TimelineItem, TimelineSource
from kam.reviews.models import ReviewComment, ReviewItem


def _on_account(account: Account, prefix: str = "") -> Q:
    return Q(**{f"{prefix}opportunity__account_id": account.pk}) | Q(
        **{f"{prefix}lead__account_id": account.pk}
    )


def _note_items(notes: QuerySet[ReviewItem]) -> list[TimelineItem]:
    return [
        TimelineItem(
            at=item.updated_at,
            kind="review",
            label=_("理单"),
            title=_("理单备注：%(name)s") % {"name": item.snapshot.get("name", "")},
            detail=" ".join(
                part
                for part in (
                    item.rep_note,
                    _("下一步：") + item.next_step if item.next_step else "",
                )
                if part
            ),
            url=item.sheet.get_absolute_url(),
            actor=str(item.sheet.rep),
            obj=item,
            tiebreak=item.pk,
        )
        for item in notes.select_related("sheet", "sheet__rep")
    ]


def _comment_items(comments: QuerySet[ReviewComment]) -> list[TimelineItem]:
    found = []
    for comment in comments.select_related("author", "item", "sheet"):
        assert comment.item is not None  # noqa: S101 - filtered on the item's deal
        found.append(
            TimelineItem(
                at=comment.created_at,
                kind="review",
                label=_("理单"),
                title=_("理单点评：%(name)s") % {"name": comment.item.snapshot.get("name", "")},
                detail=comment.body,
                url=comment.sheet.get_absolute_url(),
                actor=str(comment.author),
                obj=comment,
                tiebreak=comment.pk,
            )
        )
    return found


review_note_source = TimelineSource(
    events=lambda account: ReviewItem.objects.filter(_on_account(account)).exclude(
        rep_note="", next_step=""
    ),
    at="updated_at",
    kind="review",
    items=_note_items,
)
review_comment_source = TimelineSource(
    events=lambda account: ReviewComment.objects.filter(_on_account(account, "item__")),
    at="created_at",
    kind="review",
    items=_comment_items,
)
