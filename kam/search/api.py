from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from kam.search.models import DocumentKind
from kam.search.schemas import ErrorsOut, SearchHitOut, SearchResultsOut
from kam.search.selectors import MAX_LIMIT, search_query

router = Router(tags=["search"])


class SearchParams(Schema):
    q: str = ""
    kind: str = ""
    limit: int = 20
    before_id: int | None = None


@router.get(
    "",
    response={200: SearchResultsOut, 422: ErrorsOut},
    summary="Full-text search over visible records",
)
def search(
    request: HttpRequest, params: Query[SearchParams]
) -> SearchResultsOut | Status[ErrorsOut]:
    """Records the caller may see (accounts, key people, interactions, deals, quotes,
    approvals, leads, pool events, intent class changes, review notes and comments,
    contracts, invoices and receipts — finance sees every contract, invoice and receipt) that
    contain every part of `q`, newest first. `account_id` is null for a lead without an
    account and the notes about it. Page on with `before_id=next_before_id`; there is no total
    count. `limit` is clamped to 1–100 and `q` to its first 200 characters."""
    if params.kind and params.kind not in DocumentKind.values:
        message = _("类型必须是 {kinds} 之一。").format(kinds=", ".join(DocumentKind.values))
        return Status(422, ErrorsOut(errors={"kind": [message]}))
    found = search_query(
        user=request.user,  # type: ignore[arg-type]
        q=params.q,
        kinds=[params.kind] if params.kind else None,
        limit=max(1, min(params.limit, MAX_LIMIT)),
        before_id=params.before_id if params.before_id and params.before_id > 0 else None,
    )
    return SearchResultsOut(
        items=[
            SearchHitOut(
                kind=hit.kind,
                kind_label=hit.kind_label,
                object_id=hit.object_id,
                account_id=hit.account_id,
                account_name=hit.account_name,
                title=hit.title,
                title_html=str(hit.title_html),
                snippet_html=str(hit.snippet),
                occurred_at=hit.occurred_at,
                url=hit.url,
            )
            for hit in found
        ],
        next_before_id=found.next_before_id,
    )
