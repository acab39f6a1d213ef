"""Configurable sales processes and their ordered stages (R-OPP-2).

Opportunities (a later brick) point at a Stage; a process is the template their stages follow.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kam.opportunities.enums import StageKind


def _localised(name_zh: str, name_en: str) -> str:
    language = (get_language() or "zh-hans").lower()
    if language.startswith("en") and name_en:
        return name_en
    return name_zh


class SalesProcess(models.Model):
    code = models.SlugField(_("编码"), max_length=50, unique=True)
    name_zh = models.CharField(_("中文名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    description = models.TextField(_("说明"), blank=True)
    is_default = models.BooleanField(_("默认流程"), default=False)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("销售流程")
        verbose_name_plural = _("销售流程")
        ordering = ["-is_default", "name_zh", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="opportunities_one_default_process",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("opportunities:process", args=[self.pk])

    @property
    def display_name(self) -> str:
        return _localised(self.name_zh, self.name_en)

    def ordered_stages(self) -> list["Stage"]:
        """The stages in order; uses a prefetched `stages` when there is one."""
        return sorted(self.stages.all(), key=lambda stage: stage.order)


class Stage(models.Model):
    process = models.ForeignKey(
        SalesProcess, verbose_name=_("销售流程"), on_delete=models.CASCADE, related_name="stages"
    )
    code = models.SlugField(_("编码"), max_length=50)
    name_zh = models.CharField(_("中文名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    order = models.PositiveIntegerField(_("顺序"))
    default_probability = models.PositiveSmallIntegerField(_("默认赢率（%）"))
    kind = models.CharField(
        _("类型"), max_length=8, choices=StageKind.choices, default=StageKind.OPEN
    )
    key_milestone_zh = models.TextField(_("关键节点"), blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("销售阶段")
        verbose_name_plural = _("销售阶段")
        ordering = ["process", "order"]
        constraints = [
            models.UniqueConstraint(fields=["process", "code"], name="opportunities_stage_code"),
            models.UniqueConstraint(fields=["process", "order"], name="opportunities_stage_order"),
            models.CheckConstraint(
                condition=Q(default_probability__gte=0) & Q(default_probability__lte=100),
                name="opportunities_stage_probability_0_100",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _localised(self.name_zh, self.name_en)

    @property
    def is_closed(self) -> bool:
        return self.kind in {StageKind.WON, StageKind.LOST}
