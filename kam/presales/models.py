"""Pre-sales resources (SPEC R-OPP-7): a request for pre-sales people on a deal, who was
dispatched to it, and the hours they logged — the deal's pre-sales cost."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kam.core.links import keyed_url
from kam.presales.enums import HoursStatus, PresalesKind, RequestStatus


class PresalesRequest(models.Model):
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("商机"),
        on_delete=models.CASCADE,
        related_name="presales_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("支持类型"), max_length=16, choices=PresalesKind.choices)
    description = models.TextField(_("需求说明"))
    needed_from = models.DateField(_("需要开始日期"))
    needed_to = models.DateField(_("需要结束日期"))
    estimated_hours = models.DecimalField(_("预计工时（小时）"), max_digits=8, decimal_places=1)
    status = models.CharField(
        _("状态"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("售前资源申请")
        verbose_name_plural = _("售前资源申请")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["opportunity", "-created_at"], name="presales_req_opp")]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_hours__gt=0), name="presales_req_hours_positive"
            ),
            models.CheckConstraint(
                condition=Q(needed_to__gte=models.F("needed_from")), name="presales_req_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.opportunity_id}"

    def get_absolute_url(self) -> str:
        return keyed_url("presales:detail", self.pk)


class PresalesAssignment(models.Model):
    """One pre-sales person dispatched to a request; they join the deal team as 售前支持."""

    request = models.ForeignKey(
        PresalesRequest, on_delete=models.CASCADE, related_name="assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("售前人员"),
        on_delete=models.PROTECT,
        related_name="presales_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("派工时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("售前派工")
        verbose_name_plural = _("售前派工")
        ordering = ["request", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "user"], name="presales_assignment_once")
        ]
        indexes = [models.Index(fields=["user", "-assigned_at"], name="presales_assign_user")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.request_id}"


class HoursLog(models.Model):
    assignment = models.ForeignKey(
        PresalesAssignment, on_delete=models.CASCADE, related_name="logs"
    )
    date = models.DateField(_("日期"))
    hours = models.DecimalField(_("工时（小时）"), max_digits=4, decimal_places=1)
    description = models.CharField(_("工作内容"), max_length=300)
    status = models.CharField(
        _("状态"), max_length=16, choices=HoursStatus.choices, default=HoursStatus.SUBMITTED
    )
    # The batch confirmation ("presales_hours") these hours went into; empty until sent.
    approval = models.ForeignKey(
        "approvals.Approval", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("售前工时")
        verbose_name_plural = _("售前工时")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["assignment", "status"], name="presales_hours_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="presales_hours_0_24"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.hours}h"
