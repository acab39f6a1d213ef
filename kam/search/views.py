from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kam.core.http import AuthenticatedHttpRequest
from kam.search.models import DocumentKind
from kam.search.selectors import MAX_QUERY_LENGTH, search_query

PAGE_SIZE = 20


def _before_id(raw: str | None) -> int | None:
    try:
        value = int(raw or "")
    except ValueError:
        return None
    return value if value > 0 else None


def results(request: AuthenticatedHttpRequest) -> HttpResponse:
    q = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    kind = request.GET.get("kind", "")
    if kind not in DocumentKind.values:
        kind = ""
    before_id = _before_id(request.GET.get("before_id"))
    found = search_query(
        user=request.user, q=q, kinds=[kind] if kind else None, limit=PAGE_SIZE,
        before_id=before_id,
    )  # fmt: skip
    # Counts are of the hits on screen only: counting every match would cost a full scan.
    tabs = [{"kind": "", "label": _("全部"), "count": 0 if kind else len(found)}]
    counts = found.count_by_kind()
    tabs += [
        {"kind": value, "label": label, "count": counts[value]}
        for value, label in DocumentKind.choices
    ]
    context = {
        "search_query": q,
        "kind": kind,
        "tabs": tabs,
        "found": found,
        "before_id": before_id,
    }
    if request.headers.get("HX-Request") and before_id is not None:
        return render(request, "search/results.html#hits", context)
    return render(request, "search/results.html", context)
