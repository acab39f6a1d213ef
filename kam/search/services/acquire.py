"""Winning accounts: leads and the pool's claims, releases, recalls and assignments."""

from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from kam.intents.models import IntentChange
from kam.leads.models import Lead
from kam.pools.enums import PoolEventKind
from kam.pools.models import PoolEvent
from kam.reviews.models import ReviewItem
from kam.search.models import DocumentKind, SearchDocument
from kam.search.services.common import Row, row, sync, user_name, write
from kam.search.services.notes import rewrite_notes_about
from kam.users.models import User

LEAD_TEXT_FIELDS = (
    "company_name", "contact_name", "contact_title", "phone", "situation", "problem",
    "implication", "need_payoff", "budget_note", "authority_note", "need_note", "timeline_note",
    "disqualify_reason",
)  # fmt: skip


def lead_rows(leads: QuerySet[Lead], batch_size: int) -> Iterator[Row]:
    """Leads are found by their company, contact and every SPIN/BANT note. One without an
    account belongs to its owner's reporting line (`owner_id`), as on the lead pages."""
    values = leads.order_by("id").values_list("id", "account_id", "owner_id", *LEAD_TEXT_FIELDS)
    for pk, account_id, owner_id, company_name, *parts in values.iterator(chunk_size=batch_size):
        body = "\n".join(part for part in parts if part)
        yield row(DocumentKind.LEAD, pk, account_id, company_name, body, None, owner_id=owner_id)


def pool_rows(events: QuerySet[PoolEvent], batch_size: int) -> Iterator[Row]:
    """A claim, release, recall, assignment or pool move: its kind, pool, reason and the
    hands it passed between. Pool events have no page: the hit opens the account (found from
    `account_id` when shown, so that it follows an account merge)."""
    values = events.order_by("at", "id").values_list(
        "id", "account_id", "at", "kind", "pool__name", "reason",
        "from_owner__display_name", "from_owner__username",
        "to_owner__display_name", "to_owner__username",
    )  # fmt: skip
    for pk, account_id, at, kind, pool_name, reason, *names in values.iterator(
        chunk_size=batch_size
    ):
        hands = [user_name(*names[:2]), user_name(*names[2:])]
        yield _pool_row(pk, account_id, at, kind, pool_name, reason, hands)


def _pool_row(
    pk: int, account_id: int, at: Any, kind: str, pool_name: str, reason: str, hands: list[str]
) -> Row:
    title = f"{dict(PoolEventKind.choices).get(kind, kind)} · {pool_name}"
    body = "\n".join(part for part in [reason, " → ".join(name for name in hands if name)] if part)
    return row(DocumentKind.POOL, pk, account_id, title, body, at)


def _hand(user: User | None) -> str:
    return user_name(user.display_name, user.username) if user is not None else ""


@transaction.atomic(savepoint=False)
def search_index_lead(lead: Lead) -> SearchDocument | None:
    """Index a lead and again the documents about it (class changes, review notes), which take
    its name, account and owner: a converted lead's are then seen exactly as its account is.
    A lead has a handful of those, so they are simply rewritten."""
    document = sync(DocumentKind.LEAD, lead.pk, lead_rows(Lead.objects.filter(pk=lead.pk), 1))
    rewrite_notes_about(
        IntentChange.objects.filter(lead_id=lead.pk),
        ReviewItem.objects.filter(lead_id=lead.pk, opportunity__isnull=True),
    )
    return document


def search_index_pool_event(event: PoolEvent) -> SearchDocument:
    """Index the event just written from the event in hand: the pool and owners it was created
    with as objects are not read again (a claim from the pool reads nothing)."""
    hands = [_hand(event.from_owner), _hand(event.to_owner)]
    return write(
        _pool_row(
            event.pk, event.account_id, event.at, event.kind, event.pool.name, event.reason, hands
        )
    )
