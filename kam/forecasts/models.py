"""Weekly forecast snapshots (SPEC R-OPP-9): what each rep's forecast said on each Monday, so a
past period's forecast can be compared with what actually closed."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kam.opportunities.enums import ForecastCategory

ZERO = Decimal("0.00")


class ForecastSnapshotRun(models.Model):
    """The claim on one week's snapshot: whoever inserts the row takes the snapshot, so two
    workers (or a retry) never write the same week twice."""

    week_start = models.DateField(_("周一"), unique=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    row_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("预测快照批次")
        verbose_name_plural = _("预测快照批次")
        ordering = ["-week_start"]

    def __str__(self) -> str:
        return self.week_start.isoformat()


class ForecastSnapshot(models.Model):
    """One owner × period × category as it stood in the week starting `week_start`."""

    run = models.ForeignKey(ForecastSnapshotRun, on_delete=models.CASCADE, related_name="rows")
    week_start = models.DateField(_("周一"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        on_delete=models.PROTECT,
        related_name="forecast_snapshots",
    )
    # The owner's team on the day, so a later transfer does not rewrite a team's history.
    team = models.ForeignKey(
        "users.Team",
        verbose_name=_("团队"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    period_key = models.CharField(_("期间"), max_length=7)
    category = models.CharField(_("预测类别"), max_length=16, choices=ForecastCategory.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=18, decimal_places=2, default=ZERO)
    weighted_amount = models.DecimalField(
        _("加权金额（元）"), max_digits=18, decimal_places=2, default=ZERO
    )
    deal_count = models.PositiveIntegerField(_("商机数"), default=0)
    taken_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("预测快照")
        verbose_name_plural = _("预测快照")
        ordering = ["period_key", "week_start", "owner", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["week_start", "owner", "period_key", "category"],
                name="forecast_snapshot_once_a_week",
            )
        ]
        indexes = [
            models.Index(fields=["period_key", "week_start"], name="forecast_snap_period"),
        ]

    def __str__(self) -> str:
        return f"{self.week_start} {self.owner_id} {self.period_key} {self.category}"
