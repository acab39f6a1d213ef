"""The generated search documents renumbered in the order their records were created.

The loader writes each kind's documents in its own phase (all accounts, then all people, all
interactions, …), so their ids would say that every opportunity and contract is newer than every
visit. In a running system documents are written as the records are, so their ids interleave
across kinds; search walks newest first by id, and with the phased ids a word frequent in visits
sat below 380k newer documents of other kinds. Renumbering by creation time gives the ids a
running system would have. Run after the load, before the secondary and full-text indexes are
built (they are built from the final ids).
"""

from django.db import connection, models

from kam.accounts.models import Account
from kam.billing.models import Invoice, Receipt
from kam.contacts.models import Contact
from kam.contracts.models import Contract
from kam.interactions.models import Interaction
from kam.opportunities.models import Opportunity
from kam.search.models import DocumentKind, SearchDocument

# kind → (model, the moment its record was created)
SOURCES: dict[str, tuple[type[models.Model], str]] = {
    DocumentKind.ACCOUNT: (Account, "created_at"),
    DocumentKind.CONTACT: (Contact, "created_at"),
    DocumentKind.INTERACTION: (Interaction, "created_at"),
    DocumentKind.OPPORTUNITY: (Opportunity, "created_at"),
    DocumentKind.CONTRACT: (Contract, "created_at"),
    DocumentKind.INVOICE: (Invoice, "created_at"),
    DocumentKind.RECEIPT: (Receipt, "recorded_at"),
}
ORDER_TABLE = "kam_scale_document_order"


def _moments_sql() -> str:
    quote = connection.ops.quote_name
    parts = [
        f"SELECT '{kind}' AS kind, {quote('id')} AS id, {quote(column)} AS at "  # noqa: S608 - fixed names
        f"FROM {quote(model._meta.db_table)}"
        for kind, (model, column) in SOURCES.items()
    ]
    return " UNION ALL ".join(parts)


def search_documents_in_time_order() -> None:
    """Give the documents ids 1…n in the order their records were created (ties and documents of
    other kinds by their current id, those without a record first)."""
    quote = connection.ops.quote_name
    documents = quote(SearchDocument._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {ORDER_TABLE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {ORDER_TABLE} AS "  # noqa: S608 - fixed names
            "SELECT d.id AS old_id, "
            "ROW_NUMBER() OVER (ORDER BY t.at IS NOT NULL, t.at, d.id) AS new_id "
            f"FROM {documents} d LEFT JOIN ({_moments_sql()}) t "
            f"ON t.kind = d.kind AND t.id = d.object_id"
        )
        cursor.execute(f"CREATE UNIQUE INDEX {ORDER_TABLE}_old ON {ORDER_TABLE} (old_id)")
        # Through negative ids: no new id collides with an old one half way through.
        cursor.execute(
            f"UPDATE {documents} SET id = -o.new_id FROM {ORDER_TABLE} o "  # noqa: S608 - fixed names
            f"WHERE o.old_id = {documents}.id"
        )
        cursor.execute(f"UPDATE {documents} SET id = -id")  # noqa: S608 - fixed names
        cursor.execute(f"DROP TABLE {ORDER_TABLE}")
        if connection.vendor == "postgresql":
            # The table in id order again (as appends leave it) and without the dead versions.
            primary_key = quote(f"{SearchDocument._meta.db_table}_pkey")
            # CLUSTER refuses while deferred key checks are pending (a load inside a
            # transaction): run them now, then defer again as Django's keys are.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"CLUSTER {documents} USING {primary_key}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
