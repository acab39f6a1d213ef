from datetime import datetime

from ninja import Schema


class SearchHitOut(Schema):
    kind: str
    kind_label: str
    object_id: int
    account_id: int | None
    account_name: str
    title: str
    title_html: str
    snippet_html: str
    occurred_at: datetime | None
    url: str


class SearchResultsOut(Schema):
    items: list[SearchHitOut]
    next_before_id: int | None


class ErrorsOut(Schema):
    errors: dict[str, list[str]]
