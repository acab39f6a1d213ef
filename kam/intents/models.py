"""Intent classes (意向等级, SPEC R-INT-1/2): the thresholds that turn an expected signing date
into a suggested class, and the history of every class change of a lead or an opportunity."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kam.opportunities.enums import IntentClass

DEFAULT_THRESHOLDS = {
    "a_days": 7,
    "b_days": 14,
    "c_days": 30,
    "stale_a_days": 5,
    "quiet_team_working_days": 3,
}


class IntentThresholds(models.Model):
    """The single configuration row (pk 1); read it through `intent_thresholds()`."""

    a_days = models.PositiveSmallIntegerField(
        _("A 类：预计签约在几天内"), default=DEFAULT_THRESHOLDS["a_days"]
    )
    b_days = models.PositiveSmallIntegerField(
        _("B 类：预计签约在几天内"), default=DEFAULT_THRESHOLDS["b_days"]
    )
    c_days = models.PositiveSmallIntegerField(
        _("C 类：预计签约在几天内"), default=DEFAULT_THRESHOLDS["c_days"]
    )
    stale_a_days = models.PositiveSmallIntegerField(
        _("A 类停滞提醒（天）"), default=DEFAULT_THRESHOLDS["stale_a_days"]
    )
    quiet_team_working_days = models.PositiveSmallIntegerField(
        _("团队无新增 A 类提醒（工作日）"), default=DEFAULT_THRESHOLDS["quiet_team_working_days"]
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("意向等级阈值")
        verbose_name_plural = _("意向等级阈值")
        constraints = [
            models.CheckConstraint(
                condition=Q(a_days__gt=0, a_days__lt=F("b_days"), b_days__lt=F("c_days")),
                name="intent_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=Q(stale_a_days__gt=0, quiet_team_working_days__gt=0),
                name="intent_thresholds_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"A≤{self.a_days} B≤{self.b_days} C≤{self.c_days}"


class IntentChange(models.Model):
    """One upgrade or downgrade of a lead's or an opportunity's class (exactly one of the two).
    `owner` and `team` are the subject's owner and that owner's team at the time, so the board
    and the team alerts read history without following today's owner."""

    lead = models.ForeignKey(
        "leads.Lead",
        verbose_name=_("线索"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="intent_changes",
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("商机"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="intent_changes",
    )
    from_class = models.CharField(
        _("原等级"), max_length=1, choices=IntentClass.choices, blank=True
    )
    to_class = models.CharField(_("新等级"), max_length=1, choices=IntentClass.choices, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    team = models.ForeignKey(
        "users.Team",
        verbose_name=_("团队"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A default rather than auto_now_add, so the demo load can write past history.
    changed_at = models.DateTimeField(_("变更时间"), default=timezone.now)
    reason = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("意向等级变更")
        verbose_name_plural = _("意向等级变更")
        ordering = ["-changed_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "to_class", "changed_at"], name="intent_team_to_at"),
            models.Index(fields=["owner", "changed_at"], name="intent_owner_at"),
            models.Index(fields=["opportunity", "changed_at"], name="intent_opp_at"),
            models.Index(fields=["lead", "changed_at"], name="intent_lead_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(lead__isnull=False, opportunity__isnull=True)
                | Q(lead__isnull=True, opportunity__isnull=False),
                name="intent_change_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_class or '—'} → {self.to_class or '—'}"

    @property
    def is_downgrade(self) -> bool:
        return CLASS_RANK[self.to_class] < CLASS_RANK[self.from_class]


# Higher is warmer; "" (no class) is below C, so "" → C is an upgrade and A → "" a downgrade.
CLASS_RANK = {"": 0, IntentClass.C.value: 1, IntentClass.B.value: 2, IntentClass.A.value: 3}
