"""Paging without COUNT(*): at 100k accounts a count costs more than the page itself.

We fetch one row more than the page size to know whether a next page exists.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

PAGE_SIZE = 50


@dataclass
class Page:
    object_list: Sequence[Any]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    def __iter__(self) -> Any:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def page_number(raw: str | None) -> int:
    try:
        return max(1, int(raw or 1))
    except ValueError:
        return 1


def paginate(queryset: QuerySet[Any] | Sequence[Any], page: int, per_page: int = PAGE_SIZE) -> Page:
    offset = (page - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    return Page(object_list=rows[:per_page], number=page, has_next=len(rows) > per_page)


def paginate_by_key(
    queryset: QuerySet[Any],
    rows: Callable[[QuerySet[Any]], QuerySet[Any]],
    page: int,
    per_page: int = PAGE_SIZE,
) -> Page:
    """`paginate` as a deferred join: the OFFSET skips primary keys, not whole joined rows.

    A deep page otherwise makes the database build, sort and throw away every earlier row with
    all its columns and joins. Here `queryset` (filtered and ordered, nothing joined) yields
    only the page's keys; `rows` gets them as a subquery and returns the page's rows, joined
    and ordered like `queryset` — still one query.
    """
    found = rows_by_key(queryset, rows, (page - 1) * per_page, per_page + 1)
    return Page(object_list=found[:per_page], number=page, has_next=len(found) > per_page)


def rows_by_key(
    queryset: QuerySet[Any],
    rows: Callable[[QuerySet[Any]], QuerySet[Any]],
    offset: int,
    count: int,
) -> list[Any]:
    """`count` rows from `offset`, found as `paginate_by_key` finds them (an offset-paged API,
    the newest few of a list)."""
    return list(rows(queryset.values("pk")[offset : offset + count]))
