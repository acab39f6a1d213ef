"""Extension points of the opportunity pages, so apps that work on a deal (assessment, quotes,
bids, pre-sales, approvals) add to them without the opportunities app knowing each of them.

- A *panel* is a section of the opportunity page, loaded by htmx from the owning app's URL
  (`url_name` takes the opportunity's pk); the owning view checks visibility itself.
- A *badge source* gives short flags on kanban cards and list rows. It contributes SQL
  expressions over the opportunity (`annotations`, subqueries welcome) and turns one row of
  their values into badges (`badges`): every source is read in the same one query, so neither
  more cards nor more kinds of badge add a query. That query is compiled once per process
  (kam.core.prepared), so `annotations` must not read the database or the active language.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.db.models.expressions import Combinable
from django.utils.functional import Promise

from kam.core.prepared import PreparedQuery


@dataclass(frozen=True)
class Panel:
    key: str
    label: str | Promise
    url_name: str
    order: int = 100


@dataclass(frozen=True)
class Badge:
    label: str
    tone: str = ""  # "" | "ok" | "warn" | "bad": rendered as `class="badge {{ tone }}"`
    title: str = ""


@dataclass(frozen=True)
class BadgeSource:
    annotations: Callable[[], Mapping[str, Combinable]]
    badges: Callable[[Mapping[str, Any]], list[Badge]]


_PANELS: dict[str, Panel] = {}
_BADGE_SOURCES: dict[str, BadgeSource] = {}


def panel_register(panel: Panel) -> None:
    _PANELS[panel.key] = panel


def panels() -> list[Panel]:
    return sorted(_PANELS.values(), key=lambda panel: (panel.order, panel.key))


def badge_source_register(key: str, source: BadgeSource) -> None:
    _BADGE_SOURCES[key] = source


def _padded_size(count: int) -> int:
    """The next power of two: a page's or a board's ids fill one of a few prepared shapes."""
    return 1 << (count - 1).bit_length()


@dataclass(frozen=True)
class _BadgeQuery:
    prepared: PreparedQuery
    # Per source key, its value names, in the order of the row's columns after the pk.
    names: tuple[tuple[str, tuple[str, ...]], ...]


def _badge_query(size: int) -> _BadgeQuery:
    """The one query of every registered source's values for `size` ids, compiled once per
    process: building and compiling its subqueries took six times what running them does."""
    key = (tuple(_BADGE_SOURCES.items()), size)
    if key not in _BADGE_QUERIES:
        from kam.opportunities.models import Opportunity

        sources = dict(_BADGE_SOURCES)
        names = tuple((k, tuple(source.annotations())) for k, source in sources.items())

        def build(*ids: int) -> QuerySet[Any]:
            # Prefixed by the source's key: two sources may both call a value "status".
            annotations = {
                f"badge_{k}_{name}": expression
                for k, source in sources.items()
                for name, expression in source.annotations().items()
            }
            return (
                Opportunity.objects.filter(pk__in=ids)
                .order_by()
                .annotate(**annotations)
                .values_list("pk", *annotations)
            )

        _BADGE_QUERIES[key] = _BadgeQuery(PreparedQuery(build, [int] * size), names)
    return _BADGE_QUERIES[key]


_BADGE_QUERIES: dict[tuple[tuple[tuple[str, BadgeSource], ...], int], _BadgeQuery] = {}


def badges_for(opportunity_ids: Sequence[int]) -> dict[int, list[Badge]]:
    """Every registered source's badges for these opportunities (in the order of the sources'
    keys), from one query whatever the number of sources and opportunities."""
    merged: dict[int, list[Badge]] = {pk: [] for pk in opportunity_ids}
    if not opportunity_ids or not _BADGE_SOURCES:
        return merged
    ids = list(opportunity_ids)
    size = _padded_size(len(ids))
    query = _badge_query(size)
    rows = query.prepared.run(*ids, *[ids[-1]] * (size - len(ids)))
    for pk, *values in rows:
        by_source: dict[str, dict[str, Any]] = {}
        start = 0
        for k, names in query.names:
            by_source[k] = dict(zip(names, values[start : start + len(names)], strict=True))
            start += len(names)
        for k in sorted(by_source):
            merged[pk].extend(_BADGE_SOURCES[k].badges(by_source[k]))
    return merged
