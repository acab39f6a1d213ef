"""Notes about a deal or a lead: its intent class changes, the rep's review notes on it and
the managers' comments. They take the deal's or lead's name, account and owner, so the deal and
lead indexing rewrite them (`rewrite_notes_about`)."""

from collections.abc import Iterator
from itertools import chain
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse

from kam.intents.models import IntentChange
from kam.reviews.models import ReviewComment, ReviewItem
from kam.search.models import DocumentKind, SearchDocument
from kam.search.services.common import Row, row, sync, user_name, write


def intent_rows(changes: QuerySet[IntentChange], batch_size: int) -> Iterator[Row]:
    """A class change of a lead or a deal, shown on (and visible like) its lead or deal."""
    values = changes.order_by("changed_at", "id").values_list(
        "id", "changed_at", "from_class", "to_class", "reason",
        "lead_id", "lead__company_name", "lead__account_id", "lead__owner_id",
        "opportunity_id", "opportunity__name", "opportunity__account_id",
    )  # fmt: skip
    for (
        pk, changed_at, from_class, to_class, reason,
        lead_id, lead_name, lead_account_id, lead_owner_id,
        opportunity_id, opportunity_name, opportunity_account_id,
    ) in values.iterator(chunk_size=batch_size):  # fmt: skip
        if lead_id is not None:
            name, account_id, owner_id = lead_name, lead_account_id, lead_owner_id
            url = reverse("leads:detail", args=[lead_id])
        else:
            name, account_id, owner_id = opportunity_name, opportunity_account_id, None
            url = reverse("opportunities:detail", args=[opportunity_id])
        title = f"{name} 意向等级 {from_class or '—'} → {to_class or '—'}"
        yield row(
            DocumentKind.INTENT, pk, account_id, title, reason, changed_at,
            owner_id=owner_id, url=url,
        )  # fmt: skip


def _sheet_url(rep_id: int, day: Any) -> str:
    return reverse("reviews:sheet", args=[rep_id, day.isoformat()])


def review_item_rows(items: QuerySet[ReviewItem], batch_size: int) -> Iterator[Row]:
    """What the rep wrote on a deal or lead of their daily sheet. Items nobody wrote on are
    only the sheet's snapshot of a record that is indexed itself, so they are left out. The
    document belongs to the deal's or lead's account, else to the rep's reporting line."""
    values = (
        items.exclude(rep_note="", next_step="")
        .order_by("id")
        .values_list(
            "id", "updated_at", "snapshot", "rep_note", "next_step", "sheet__rep_id",
            "sheet__day", "opportunity__account_id", "lead__account_id",
        )
    )  # fmt: skip
    for (
        pk, updated_at, snapshot, rep_note, next_step, rep_id, day,
        opportunity_account_id, lead_account_id,
    ) in values.iterator(chunk_size=batch_size):  # fmt: skip
        name = str(snapshot.get("name") or "")
        title = f"{name} 理单 {day.isoformat()}".strip()
        body = "\n".join(part for part in [rep_note, next_step] if part)
        yield row(
            DocumentKind.REVIEW, pk, opportunity_account_id or lead_account_id, title, body,
            updated_at, owner_id=rep_id, url=_sheet_url(rep_id, day),
        )  # fmt: skip


def review_comment_rows(comments: QuerySet[ReviewComment], batch_size: int) -> Iterator[Row]:
    """A manager's comment on a sheet (then it belongs to the rep's reporting line) or on one
    item (then, like the item, to the deal's or lead's account when there is one)."""
    values = comments.order_by("id").values_list(
        "id", "created_at", "body", "author__display_name", "author__username",
        "sheet__rep_id", "sheet__day", "item__snapshot",
        "item__opportunity__account_id", "item__lead__account_id",
    )  # fmt: skip
    for (
        pk, created_at, body, author_name, author_username, rep_id, day, snapshot,
        opportunity_account_id, lead_account_id,
    ) in values.iterator(chunk_size=batch_size):  # fmt: skip
        about = str((snapshot or {}).get("name") or f"{day.isoformat()} 理单表")
        title = f"{user_name(author_name, author_username)} 点评：{about}"
        yield row(
            DocumentKind.REVIEW_COMMENT, pk, opportunity_account_id or lead_account_id, title,
            body, created_at, owner_id=rep_id, url=_sheet_url(rep_id, day),
        )  # fmt: skip


def rewrite_notes_about(changes: QuerySet[IntentChange], items: QuerySet[ReviewItem]) -> None:
    for note in chain(
        intent_rows(changes, 100),
        review_item_rows(items, 100),
        review_comment_rows(ReviewComment.objects.filter(item__in=items), 100),
    ):
        write(note)


@transaction.atomic(savepoint=False)
def search_index_intent_change(change: IntentChange) -> SearchDocument | None:
    changes = IntentChange.objects.filter(pk=change.pk)
    return sync(DocumentKind.INTENT, change.pk, intent_rows(changes, 1))


@transaction.atomic(savepoint=False)
def search_index_review_item(item: ReviewItem) -> SearchDocument | None:
    """Index what the rep wrote on an item; an item whose note was cleared is forgotten."""
    items = ReviewItem.objects.filter(pk=item.pk)
    return sync(DocumentKind.REVIEW, item.pk, review_item_rows(items, 1))


@transaction.atomic(savepoint=False)
def search_index_review_comment(comment: ReviewComment) -> SearchDocument | None:
    comments = ReviewComment.objects.filter(pk=comment.pk)
    return sync(DocumentKind.REVIEW_COMMENT, comment.pk, review_comment_rows(comments, 1))
