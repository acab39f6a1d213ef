"""Rebuilding every document from the records, in bulk, with the same *_rows functions that
index one record, so the two can never disagree."""

from collections.abc import Callable, Iterator

from django.db import connections, transaction

from kam.billing.models import Invoice, Receipt
from kam.contracts.models import Contract
from kam.intents.models import IntentChange
from kam.leads.models import Lead
from kam.pools.models import PoolEvent
from kam.reviews.models import ReviewComment, ReviewItem
from kam.search import index
from kam.search.models import DocumentKind, SearchDocument
from kam.search.services.accounts_people import account_rows, contact_rows, interaction_rows
from kam.search.services.acquire import lead_rows, pool_rows
from kam.search.services.common import RebuildProgress, Row, joined_terms
from kam.search.services.deals import approval_rows, opportunity_rows, quote_rows
from kam.search.services.money import contract_rows, invoice_rows, receipt_rows
from kam.search.services.notes import intent_rows, review_comment_rows, review_item_rows

_INSERT = (
    "INSERT INTO search_searchdocument "
    "(kind, object_id, account_id, owner_id, url, title, body, terms, occurred_at) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
)

# Plain value rows, not model instances: at two million interactions that is most of the
# difference between minutes and tens of minutes. Titles are indexed data: written in Chinese
# like the records themselves, not in the language of whoever happened to trigger the indexing.
_ROWS: dict[str, Callable[[int], Iterator[Row]]] = {
    DocumentKind.ACCOUNT: account_rows,
    DocumentKind.CONTACT: contact_rows,
    DocumentKind.INTERACTION: interaction_rows,
    DocumentKind.OPPORTUNITY: opportunity_rows,
    DocumentKind.QUOTE: quote_rows,
    DocumentKind.APPROVAL: approval_rows,
    DocumentKind.LEAD: lambda size: lead_rows(Lead.objects.all(), size),
    DocumentKind.POOL: lambda size: pool_rows(PoolEvent.objects.all(), size),
    DocumentKind.INTENT: lambda size: intent_rows(IntentChange.objects.all(), size),
    DocumentKind.REVIEW: lambda size: review_item_rows(ReviewItem.objects.all(), size),
    DocumentKind.REVIEW_COMMENT: lambda size: review_comment_rows(
        ReviewComment.objects.all(), size
    ),
    DocumentKind.CONTRACT: lambda size: contract_rows(Contract.objects.all(), size),
    DocumentKind.INVOICE: lambda size: invoice_rows(Invoice.objects.all(), size),
    DocumentKind.RECEIPT: lambda size: receipt_rows(Receipt.objects.all(), size),
}


@transaction.atomic
def search_rebuild(
    *, batch_size: int = 5000, progress: RebuildProgress | None = None
) -> dict[str, int]:
    """Rebuild every document and the full-text index from the records, from scratch.

    Runs in one transaction: nobody ever sees a half-built index (on SQLite readers keep the
    old one until commit; on PostgreSQL searches wait for the rebuild to finish). Per-row
    index upkeep is suspended during the bulk load and caught up once at the end. Interactions
    are loaded oldest first, so document ids (the result order) follow time.
    """
    connection = connections[SearchDocument.objects.db]
    adapt_datetime = connection.ops.adapt_datetimefield_value
    index.suspend_maintenance(connection)
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        # DELETE, not TRUNCATE: callers may have written rows (deferred FK checks pending) in
        # the same transaction, which PostgreSQL refuses to TRUNCATE under.
        cursor.execute(index.CLEAR)
        for kind in DocumentKind:
            done = 0
            batch: list[Row] = []
            for document_row in _ROWS[kind](batch_size):
                batch.append((*document_row[:8], adapt_datetime(document_row[8])))
                if len(batch) >= batch_size:
                    cursor.executemany(_INSERT, batch)
                    done += len(batch)
                    batch = []
                    if progress:
                        progress(kind, done)
            if batch or not done:
                cursor.executemany(_INSERT, batch)
                done += len(batch)
                if progress:
                    progress(kind, done)
            counts[str(kind)] = done
    index.resume_maintenance(connection)
    joined_terms.cache_clear()
    return counts
