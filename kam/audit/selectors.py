from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet, Subquery

from kam.audit.models import FieldChange


def field_changes_for(instance: models.Model, limit: int = 100) -> QuerySet[FieldChange]:
    """A record's field history, newest first. Callers have already checked visibility."""
    content_type = ContentType.objects.get_for_model(instance)
    return FieldChange.objects.filter(
        content_type=content_type, object_id=instance.pk
    ).select_related("actor")[:limit]


def field_changes_of_model(model: type[models.Model]) -> QuerySet[FieldChange]:
    """Every field change of `model`'s records. The content type is looked up by name inside
    the query, not as a key read beforehand, so the SQL stays the same for the life of the
    process (the timeline prepares its query once)."""
    content_type = ContentType.objects.filter(
        app_label=model._meta.app_label, model=model._meta.model_name
    )
    return FieldChange.objects.filter(content_type=Subquery(content_type.values("pk")[:1]))
