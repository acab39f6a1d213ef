"""Paging without COUNT(*): at 100k accounts a count costs more than the page itself.

We fetch one row more than the page size to know whether a next page exists.
"""

from collections.abc import Sequence
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


def paginate(queryset: QuerySet[Any], page: int, per_page: int = PAGE_SIZE) -> Page:
    offset = (page - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    return Page(object_list=rows[:per_page], number=page, has_next=len(rows) > per_page)
