"""Exceptions to the Monday–Friday week: public holidays and the weekend days worked in exchange."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kam.workcalendar.enums import DayKind


class CalendarDay(models.Model):
    # Rows are only added or deleted, never edited, so there is no version to guard.
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=50)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("日历日")
        verbose_name_plural = _("日历日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"
