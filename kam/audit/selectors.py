from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from kam.audit.models import FieldChange


def field_changes_for(instance: models.Model, limit: int = 100) -> QuerySet[FieldChange]:
    """A record's field history, newest first. Callers have already checked visibility."""
    content_type = ContentType.objects.get_for_model(instance)
    return FieldChange.objects.filter(
        content_type=content_type, object_id=instance.pk
    ).select_related("actor")[:limit]
