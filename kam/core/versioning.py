"""Optimistic locking, the same way everywhere: an edit carries the `version` it was made
against, and a record saved by someone else in the meantime refuses the edit.

Every editable model has `version = PositiveIntegerField(default=0)`.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

STALE_MESSAGE = _("该记录已被他人修改，请刷新后重试。")


def stale_record_error(*, field: str | None = None) -> ValidationError:
    """The conflict error; `field` puts it on a form field (e.g. "version") for the API."""
    if field:
        return ValidationError({field: [STALE_MESSAGE]}, code="stale")
    return ValidationError(STALE_MESSAGE, code="stale")


def lock_at_version[M: models.Model](
    queryset: models.QuerySet[M], *, pk: Any, version: int, field: str | None = None
) -> M:
    """The row locked for this transaction, or the conflict error if it moved past `version`.

    Pass a queryset without `select_related` over foreign keys that writers change: on
    PostgreSQL, FOR UPDATE re-checks the join against the new row and drops it ("does not
    exist") when another transaction changed that key meanwhile.
    """
    locked = queryset.select_for_update().get(pk=pk)
    if locked.version != version:  # type: ignore[attr-defined]  # every versioned model has it
        raise stale_record_error(field=field)
    return locked


def save_bumped(instance: models.Model, fields: list[str]) -> None:
    """Save `fields` of a row locked with `lock_at_version` and move its version on (and its
    `updated_at`, when it has one)."""
    instance.version += 1  # type: ignore[attr-defined]  # every versioned model has it
    update = [*fields, "version"]
    if any(field.name == "updated_at" for field in instance._meta.concrete_fields):
        update.append("updated_at")
    instance.save(update_fields=update)
