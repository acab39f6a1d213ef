"""Rep departure handover (离职交接, SPEC R-REV-4): one record per handover, one item per thing
that changed hands. A handover is undone by a new handover that `reverses` it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kam.core.links import keyed_url
from kam.handovers.enums import ItemKind


class Handover(models.Model):
    # The person whose work is handed over (for a reversal: the same person as the original's).
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("交出人"),
        on_delete=models.PROTECT,
        related_name="handovers_given",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("交接时间"), auto_now_add=True)
    note = models.TextField(_("说明"), blank=True)
    reverses = models.ForeignKey(
        "self",
        verbose_name=_("撤销的交接"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversals",
    )
    # Items a reversal could not move back because they changed hands since: kind, object_id,
    # label and why, so the record says what was left where it is.
    skipped = models.JSONField(_("未撤销项"), default=list, blank=True)

    class Meta:
        verbose_name = _("离职交接")
        verbose_name_plural = _("离职交接")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["from_user", "-created_at"], name="handover_from_user"),
            models.Index(fields=["-created_at"], name="handover_created"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.from_user}"

    def get_absolute_url(self) -> str:
        return keyed_url("handovers:detail", self.pk)


class HandoverItem(models.Model):
    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("类型"), max_length=16, choices=ItemKind.choices)
    object_id = models.PositiveBigIntegerField()
    # The record's name when it moved: the item still reads right if the record is renamed.
    label = models.CharField(_("名称"), max_length=300)
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("原负责人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("交接明细")
        verbose_name_plural = _("交接明细")
        ordering = ["handover", "kind", "pk"]
        indexes = [
            models.Index(fields=["from_user", "kind"], name="handover_item_from"),
            models.Index(fields=["to_user", "kind"], name="handover_item_to"),
            models.Index(fields=["kind", "object_id"], name="handover_item_object"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label}"
