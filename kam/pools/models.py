"""Public pools (公海, R-POOL-1/2): where unowned prospect accounts wait, the rules that send
an owner's account back, and the history of every claim, release, recall and assignment."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kam.accounts.enums import PROVINCE_CHOICES, Grade, Industry
from kam.pools.enums import PoolEventKind, RecallTrigger

DAYS = [MinValueValidator(1), MaxValueValidator(3650)]


class Pool(models.Model):
    """A pool with its own rules. An account belongs to the first active pool (by priority)
    whose industries and provinces match it; the default pool takes the rest."""

    name = models.CharField(_("公海名称"), max_length=60, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    # Empty lists match every industry / province.
    industries = models.JSONField(_("行业"), default=list, blank=True)
    provinces = models.JSONField(_("省份"), default=list, blank=True)
    priority = models.PositiveSmallIntegerField(_("匹配顺序"), default=100)
    is_default = models.BooleanField(_("默认公海"), default=False)
    active = models.BooleanField(_("启用"), default=True)
    # Who may claim from it; no team means every sales team.
    teams = models.ManyToManyField(
        "users.Team", verbose_name=_("可领取的团队"), blank=True, related_name="pools"
    )
    protection_days = models.PositiveIntegerField(
        _("默认保护期（天）"), default=30, validators=DAYS,
        help_text=_("该分级没有配置回收规则时：领取或最近跟进后多少天未跟进即回收。"),
    )  # fmt: skip
    warn_days = models.PositiveIntegerField(
        _("提前提醒（天）"), default=3, validators=[MaxValueValidator(365)]
    )
    max_owned = models.PositiveIntegerField(
        _("每人最多持有"), default=50, validators=[MinValueValidator(1)],
        help_text=_("每位客户经理最多持有本公海的多少家潜在客户。"),
    )  # fmt: skip
    max_claims_per_day = models.PositiveIntegerField(
        _("每人每天最多领取"), default=5, validators=[MinValueValidator(1)]
    )
    reclaim_lockout_days = models.PositiveIntegerField(
        _("原负责人重新领取间隔（天）"), default=15, validators=[MaxValueValidator(3650)]
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("公海")
        verbose_name_plural = _("公海")
        ordering = ["priority", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="pool_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def matches(self, industry: str, province: str) -> bool:
        return (not self.industries or industry in self.industries) and (
            not self.provinces or province in self.provinces
        )

    def industry_labels(self) -> list[str]:
        labels = dict(Industry.choices)
        return [str(labels.get(code, code)) for code in self.industries]

    def province_labels(self) -> list[str]:
        labels = dict(PROVINCE_CHOICES)
        return [str(labels.get(code, code)) for code in self.provinces]


class RecallRule(models.Model):
    """One trigger for one account grade: e.g. a C-grade account not followed up for 30 days."""

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="rules")
    grade = models.CharField(_("客户分级"), max_length=1, choices=Grade.choices)
    trigger = models.CharField(_("回收条件"), max_length=16, choices=RecallTrigger.choices)
    days = models.PositiveIntegerField(_("天数"), validators=DAYS)

    class Meta:
        verbose_name = _("回收规则")
        verbose_name_plural = _("回收规则")
        ordering = ["grade", "trigger"]
        constraints = [
            models.UniqueConstraint(fields=["pool", "grade", "trigger"], name="recall_rule_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.grade} · {self.get_trigger_display()} {self.days}"


class Placement(models.Model):
    """Where an account sits and until when its owner keeps it.

    `protected_until` is recomputed by the services whenever one of its inputs changes (claim,
    follow-up, new opportunity, a win, a grade or rule change), so "lapsed" is simply
    `protected_until < now` — exact at read time whether or not the recall job has run.
    NULL means no recall applies: the account is in the pool, or it is no longer a prospect.
    """

    account = models.OneToOneField(
        "accounts.Account", primary_key=True, on_delete=models.CASCADE, related_name="placement"
    )
    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="placements")
    claimed_at = models.DateTimeField(_("获得时间"), null=True, blank=True)
    protected_until = models.DateTimeField(_("保护期至"), null=True, blank=True)
    lapse_trigger = models.CharField(
        _("回收原因"), max_length=16, choices=RecallTrigger.choices, blank=True
    )
    warned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("公海归属")
        verbose_name_plural = _("公海归属")
        indexes = [
            models.Index(fields=["protected_until"], name="placement_protected_until"),
            models.Index(fields=["pool", "protected_until"], name="placement_pool_until"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} @ {self.pool_id}"


class PoolEvent(models.Model):
    """Every change of hands through the pool, with who and why (timeline, limits, lockout)."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="pool_events"
    )
    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("动作"), max_length=16, choices=PoolEventKind.choices)
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("公海记录")
        verbose_name_plural = _("公海记录")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["account", "-at"], name="pool_event_account"),
            models.Index(fields=["actor", "kind", "at"], name="pool_event_actor_kind"),
            models.Index(fields=["from_owner", "account", "at"], name="pool_event_from_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.account_id}"
