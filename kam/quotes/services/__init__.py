"""The only write path for quotes (SPEC R-OPP-10, R-OPP-6): build a version from the deal's lines,
edit its terms while a draft, submit it (a discount approval above the threshold), record the
delivery manager's review, send it, and record the customer's answer."""

from kam.quotes.services.common import discount_threshold
from kam.quotes.services.lifecycle import (
    quote_accept,
    quote_decline,
    quote_review_record,
    quote_send,
)
from kam.quotes.services.versions import (
    quote_discount_approved,
    quote_discount_rejected,
    quote_reopen,
    quote_submit,
    quote_terms_update,
    quote_version_create,
)

__all__ = [
    "discount_threshold",
    "quote_accept",
    "quote_decline",
    "quote_discount_approved",
    "quote_discount_rejected",
    "quote_reopen",
    "quote_review_record",
    "quote_send",
    "quote_submit",
    "quote_terms_update",
    "quote_version_create",
]
