"""Extension points of the opportunity pages, so apps that work on a deal (assessment, quotes,
bids, pre-sales, approvals) add to them without the opportunities app knowing each of them.

- A *panel* is a section of the opportunity page, loaded by htmx from the owning app's URL
  (`url_name` takes the opportunity's pk); the owning view checks visibility itself.
- A *badge source* gives short flags on kanban cards and list rows. It contributes SQL
  expressions over the opportunity (`annotations`, subqueries welcome) and turns one row of
  their values into badges (`badges`): every source is read in the same one query, so neither
  more cards nor more kinds of badge add a query.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models.expressions import Combinable
from django.utils.functional import Promise


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


def badges_for(opportunity_ids: Sequence[int]) -> dict[int, list[Badge]]:
    """Every registered source's badges for these opportunities (in the order of the sources'
    keys), from one query whatever the number of sources and opportunities."""
    from kam.opportunities.models import Opportunity

    merged: dict[int, list[Badge]] = {pk: [] for pk in opportunity_ids}
    if not opportunity_ids or not _BADGE_SOURCES:
        return merged
    # Prefixed by the source's key: two sources may both call a value "status".
    annotations: dict[str, Combinable] = {}
    columns: dict[str, dict[str, str]] = {}
    for key, source in _BADGE_SOURCES.items():
        columns[key] = {}
        for name, expression in source.annotations().items():
            columns[key][name] = f"badge_{key}_{name}"
            annotations[columns[key][name]] = expression
    rows = (
        Opportunity.objects.filter(pk__in=list(opportunity_ids))
        .order_by()
        .annotate(**annotations)
        .values("pk", *annotations)
    )
    for row in rows:
        for key in sorted(_BADGE_SOURCES):
            values = {name: row[column] for name, column in columns[key].items()}
            merged[row["pk"]].extend(_BADGE_SOURCES[key].badges(values))
    return merged
