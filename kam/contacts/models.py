from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kam.contacts.enums import (
    Attitude,
    ContactStatus,
    DecisionRole,
    GuideCostKind,
    GuideLevel,
    Influence,
)
from kam.core.links import keyed_url

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class Contact(models.Model):
    """A key person (关键人) at an account, with their account-level standing in the chain."""

    account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("客户"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    department = models.CharField(_("部门"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    wechat = models.CharField(_("微信号"), max_length=64, blank=True)
    reports_to = models.ForeignKey(
        "self",
        verbose_name=_("汇报对象"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    background = models.TextField(_("背景"), blank=True)
    character = models.CharField(_("性格"), max_length=200, blank=True)
    decision_style = models.CharField(_("决策风格"), max_length=200, blank=True)
    preferences = models.CharField(_("喜好"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ContactStatus.choices, default=ContactStatus.IN_POST
    )
    decision_role = models.CharField(
        _("决策角色"), max_length=16, choices=DecisionRole.choices, blank=True
    )
    influence = models.CharField(_("影响力"), max_length=8, choices=Influence.choices, blank=True)
    attitude = models.CharField(
        _("态度"), max_length=16, choices=Attitude.choices, default=Attitude.NEUTRAL
    )
    closeness = models.PositiveSmallIntegerField(_("关系紧密度"), default=1, validators=ONE_TO_FIVE)
    solution_acceptance = models.PositiveSmallIntegerField(
        _("方案认可度"), default=1, validators=ONE_TO_FIVE
    )
    price_acceptance = models.PositiveSmallIntegerField(
        _("价格接受度"), default=1, validators=ONE_TO_FIVE
    )
    guide_level = models.PositiveSmallIntegerField(
        _("向导级别"), choices=GuideLevel.choices, default=GuideLevel.NONE
    )
    # Why the status last changed (e.g. "调任集团采购部") and when: the people map keeps the
    # person, greyed, so the history of the relationship is not lost.
    status_note = models.CharField(_("状态说明"), max_length=200, blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    last_contact_at = models.DateTimeField(_("最近接触"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("关键人")
        verbose_name_plural = _("关键人")
        ordering = ["account_id", "name"]
        indexes = [
            models.Index(fields=["account", "name"], name="contact_account_name"),
            models.Index(fields=["name"], name="contact_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closeness__gte=1, closeness__lte=5)
                & Q(solution_acceptance__gte=1, solution_acceptance__lte=5)
                & Q(price_acceptance__gte=1, price_acceptance__lte=5),
                name="contact_scores_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(guide_level__gte=0, guide_level__lte=3), name="contact_guide_level"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.title}）" if self.title else self.name

    def get_absolute_url(self) -> str:
        return keyed_url("contacts:detail", self.pk)


class ScoreChange(models.Model):
    """A snapshot of the three scores each time any of them changes: the trend is these rows."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="score_changes")
    closeness = models.PositiveSmallIntegerField()
    solution_acceptance = models.PositiveSmallIntegerField()
    price_acceptance = models.PositiveSmallIntegerField()
    note = models.CharField(_("说明"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "pk"]
        indexes = [models.Index(fields=["contact", "changed_at"], name="score_change_contact")]

    def __str__(self) -> str:
        return f"{self.closeness}/{self.solution_acceptance}/{self.price_acceptance}"


class GuideCost(models.Model):
    """The cost of keeping a guide (向导): hours or money, recorded like an expense."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="guide_costs")
    kind = models.CharField(_("类型"), max_length=8, choices=GuideCostKind.choices)
    spent_on = models.DateField(_("日期"))
    amount = models.DecimalField(
        _("金额（元）"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    hours = models.DecimalField(_("工时"), max_digits=7, decimal_places=1, default=Decimal("0.0"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-spent_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(hours__gte=0), name="guide_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact} {self.spent_on}"


class EngagementPlan(models.Model):
    """Executive engagement (R-CON-5): a senior customer person touched on a cadence."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="engagement_plans")
    our_executive = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("我方高层"),
        on_delete=models.PROTECT,
        related_name="engagement_plans",
    )
    purpose = models.CharField(_("目的"), max_length=200)
    cadence_days = models.PositiveSmallIntegerField(_("频率（天）"), default=30)
    next_due = models.DateField(_("下次接触"))
    last_done = models.DateField(_("上次接触"), null=True, blank=True)
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("高层维护计划")
        verbose_name_plural = _("高层维护计划")
        ordering = ["next_due"]
        indexes = [models.Index(fields=["active", "next_due"], name="engagement_due")]
        constraints = [
            models.CheckConstraint(condition=Q(cadence_days__gte=1), name="engagement_cadence")
        ]

    def __str__(self) -> str:
        return f"{self.contact} · {self.purpose}"


class EngagementTouch(models.Model):
    plan = models.ForeignKey(EngagementPlan, on_delete=models.CASCADE, related_name="touches")
    touched_on = models.DateField(_("接触日期"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-touched_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan} {self.touched_on}"
