"""Keeping the search index in step with the records. The owning apps' services call these
inside their own transactions, so a record and its index entry never disagree. Nothing
catches an indexing error to carry on, so they take no savepoint of their own: a failure
rolls back the caller's whole transaction."""

from kam.search.services.accounts_people import (
    account_document_text,
    contact_document_text,
    interaction_document_text,
    search_index_account,
    search_index_contact,
    search_index_interaction,
)
from kam.search.services.acquire import search_index_lead, search_index_pool_event
from kam.search.services.common import search_remove
from kam.search.services.deals import (
    search_index_approval,
    search_index_opportunity,
    search_index_quote,
)
from kam.search.services.money import (
    search_index_contract,
    search_index_invoice,
    search_index_receipt,
)
from kam.search.services.notes import (
    search_index_intent_change,
    search_index_review_comment,
    search_index_review_item,
)
from kam.search.services.rebuild import search_rebuild

__all__ = [
    "account_document_text",
    "contact_document_text",
    "interaction_document_text",
    "search_index_account",
    "search_index_approval",
    "search_index_contact",
    "search_index_contract",
    "search_index_intent_change",
    "search_index_interaction",
    "search_index_invoice",
    "search_index_lead",
    "search_index_opportunity",
    "search_index_pool_event",
    "search_index_quote",
    "search_index_receipt",
    "search_index_review_comment",
    "search_index_review_item",
    "search_rebuild",
    "search_remove",
]
