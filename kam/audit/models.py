from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class FieldChange(models.Model):
    """One field of one record changed: who, when, from, to (R-SEC-2)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    field = models.CharField(_("字段"), max_length=64)
    field_label = models.CharField(_("字段名"), max_length=100)
    old_value = models.TextField(_("原值"), blank=True)
    new_value = models.TextField(_("新值"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("字段变更")
        verbose_name_plural = _("字段变更")
        ordering = ["-changed_at", "-pk"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "-changed_at"], name="field_change_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.field_label}: {self.old_value} → {self.new_value}"


class ExportLog(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    what = models.CharField(_("导出内容"), max_length=100)
    filters = models.CharField(_("筛选条件"), max_length=2000, blank=True)
    file_format = models.CharField(_("格式"), max_length=8)
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("导出记录")
        verbose_name_plural = _("导出记录")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.what} {self.row_count}"
