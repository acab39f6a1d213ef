"""Extension points of the opportunity pages, so apps that work on a deal (assessment, quotes,
bids, pre-sales, approvals) add to them without the opportunities app knowing each of them.

- A *panel* is a section of the opportunity page, loaded by htmx from the owning app's URL
  (`url_name` takes the opportunity's pk); the owning view checks visibility itself.
- A *badge source* returns short flags for many opportunities at once (one or two queries for
  the whole kanban column, never one per card).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

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


BadgeSource = Callable[[Sequence[int]], dict[int, list[Badge]]]

_PANELS: dict[str, Panel] = {}
_BADGE_SOURCES: dict[str, BadgeSource] = {}


def panel_register(panel: Panel) -> None:
    _PANELS[panel.key] = panel


def panels() -> list[Panel]:
    return sorted(_PANELS.values(), key=lambda panel: (panel.order, panel.key))


def badge_source_register(key: str, source: BadgeSource) -> None:
    _BADGE_SOURCES[key] = source


def badges_for(opportunity_ids: Sequence[int]) -> dict[int, list[Badge]]:
    """Every registered source's badges for these opportunities, merged by opportunity id."""
    merged: dict[int, list[Badge]] = {pk: [] for pk in opportunity_ids}
    if not opportunity_ids:
        return merged
    for key in sorted(_BADGE_SOURCES):
        for pk, badges in _BADGE_SOURCES[key](opportunity_ids).items():
            merged.setdefault(pk, []).extend(badges)
    return merged
