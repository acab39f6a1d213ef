"""Sort expressions for the list pages. NULLS LAST is spelled only on a column that can hold
NULLs (the model says which): on a NOT NULL column it changes no order, but it keeps PostgreSQL
from walking the column's descending index (which puts NULLs first), so it sorts every row."""

from typing import Any

from django.db import models
from django.db.models import F


def path_nullable(model: type[models.Model], path: str) -> bool:
    """Whether the column at `path` (a field, or one across relations: `stage__order`) can be
    NULL — also when a nullable relation on the way leaves it out."""
    for name in path.split("__"):
        field = model._meta.get_field(name)
        if field.null:
            return True
        if field.related_model is not None:
            model = field.related_model
    return False


def sort_order(
    model: type[models.Model], column: str, descending: bool, *, nulls_last: bool = False
) -> list[Any]:
    """`column` then the key, in one direction; `nulls_last` spells NULLS LAST anyway."""
    spelled = True if nulls_last or path_nullable(model, column) else None
    expression = (
        F(column).desc(nulls_last=spelled) if descending else F(column).asc(nulls_last=spelled)
    )
    return [expression, "-pk" if descending else "pk"]
