"""Field-level history (R-SEC-2): services snapshot a record before a change and log the diff."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.audit.models import FieldChange
from kam.users.models import User


def _display(instance: models.Model, field: models.Field[Any, Any]) -> str:
    value = getattr(instance, field.attname)
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        related = getattr(instance, field.name)
        return str(related) if related is not None else ""
    return str(value)


def _concrete_field(instance: models.Model, name: str) -> models.Field[Any, Any]:
    # Only concrete fields are audited; get_field's wider return type covers reverse relations.
    return cast("models.Field[Any, Any]", instance._meta.get_field(name))


def audit_snapshot(instance: models.Model, fields: list[str]) -> dict[str, tuple[Any, str]]:
    """Raw and displayed values of `fields`, to compare against after the change."""
    snapshot = {}
    for name in fields:
        field = _concrete_field(instance, name)
        snapshot[name] = (getattr(instance, field.attname), _display(instance, field))
    return snapshot


def audit_record_changes(
    *, instance: models.Model, before: dict[str, tuple[Any, str]], actor: User | None
) -> list[FieldChange]:
    """Write one FieldChange per field whose value differs from the snapshot `before`."""
    return FieldChange.objects.bulk_create(
        audit_changes(instance=instance, before=before, actor=actor)
    )


def audit_changes(
    *, instance: models.Model, before: dict[str, tuple[Any, str]], actor: User | None
) -> list[FieldChange]:
    """The rows `audit_record_changes` writes, unsaved: for a service that writes them in one
    statement with rows of its own."""
    content_type = ContentType.objects.get_for_model(instance)
    changes = []
    for name, (old_raw, old_display) in before.items():
        field = _concrete_field(instance, name)
        if getattr(instance, field.attname) == old_raw:
            continue
        changes.append(
            FieldChange(
                content_type=content_type,
                object_id=instance.pk,
                field=name,
                field_label=str(field.verbose_name),
                old_value=old_display,
                new_value=_display(instance, field),
                actor=actor,
            )
        )
    return changes


def audit_record_creation(
    *, instance: models.Model, fields: list[str], actor: User | None
) -> list[FieldChange]:
    """Log the initial values, so a record's history starts where it was born."""
    return FieldChange.objects.bulk_create(
        audit_creation_changes(instance=instance, fields=fields, actor=actor)
    )


def audit_creation_changes(
    *, instance: models.Model, fields: list[str], actor: User | None
) -> list[FieldChange]:
    """The rows `audit_record_creation` writes, unsaved."""
    # Fields left empty at birth are not history; only values someone entered are.
    blank: dict[str, tuple[Any, str]] = {
        name: (None, "")
        for name in fields
        if _display(instance, _concrete_field(instance, name)) != ""
    }
    return audit_changes(instance=instance, before=blank, actor=actor)
