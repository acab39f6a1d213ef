"""Review notes and managers' comments on the account timeline (R-ACT-3), kind "review"."""

from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.interactions.selectors import TimelineItem
from kam.reviews.models import ReviewComment, ReviewItem


def _on_account(account: Account, prefix: str = "") -> Q:
    return Q(**{f"{prefix}opportunity__account_id": account.pk}) | Q(
        **{f"{prefix}lead__account_id": account.pk}
    )


def review_items(account: Account, before: datetime | None, limit: int) -> list[TimelineItem]:
    notes = (
        ReviewItem.objects.filter(_on_account(account))
        .exclude(rep_note="", next_step="")
        .select_related("sheet", "sheet__rep")
        .order_by("-updated_at", "-pk")
    )
    comments = (
        ReviewComment.objects.filter(_on_account(account, "item__"))
        .select_related("author", "item", "sheet")
        .order_by("-created_at", "-pk")
    )
    if before is not None:
        notes = notes.filter(updated_at__lt=before)
        comments = comments.filter(created_at__lt=before)
    found = []
    for item in notes[:limit]:
        found.append(
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
        )
    for comment in comments[:limit]:
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
