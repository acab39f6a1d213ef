"""Capability assessments (SPEC R-REV-5): a manager's 1–5 judgement of an account manager's
four capabilities, each with a note. Every assessment is kept; the newest one is "current"."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]
SCORE_FIELDS = ("relationship", "solution", "delivery_service", "resource_coordination")


class CapabilityAssessment(models.Model):
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("客户经理"),
        on_delete=models.CASCADE,
        related_name="capability_assessments",
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评估人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessed_on = models.DateField(_("评估日期"))
    relationship = models.PositiveSmallIntegerField(_("客户关系"), validators=ONE_TO_FIVE)
    relationship_note = models.TextField(_("客户关系说明"), blank=True)
    solution = models.PositiveSmallIntegerField(_("解决方案"), validators=ONE_TO_FIVE)
    solution_note = models.TextField(_("解决方案说明"), blank=True)
    delivery_service = models.PositiveSmallIntegerField(_("交付与服务"), validators=ONE_TO_FIVE)
    delivery_service_note = models.TextField(_("交付与服务说明"), blank=True)
    resource_coordination = models.PositiveSmallIntegerField(_("资源协调"), validators=ONE_TO_FIVE)
    resource_coordination_note = models.TextField(_("资源协调说明"), blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("能力评估")
        verbose_name_plural = _("能力评估")
        ordering = ["-assessed_on", "-pk"]
        indexes = [models.Index(fields=["rep", "-assessed_on"], name="capability_rep_day")]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    relationship__gte=1, relationship__lte=5,
                    solution__gte=1, solution__lte=5,
                    delivery_service__gte=1, delivery_service__lte=5,
                    resource_coordination__gte=1, resource_coordination__lte=5,
                ),
                name="capability_scores_1_to_5",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.rep} {self.assessed_on:%Y-%m-%d}"

    @property
    def scores(self) -> list[int]:
        return [getattr(self, name) for name in SCORE_FIELDS]
