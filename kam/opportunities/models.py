"""Opportunities and the configurable sales processes they move through (R-OPP-1..3, R-OPP-6).

A process is an ordered list of stages; each stage carries its exit gate. An opportunity points at
one stage; every move is a `StageMove` row (funnel conversion, velocity, gate bypasses).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kam.core.links import keyed_url
from kam.opportunities.enums import (
    CloseReason,
    ForecastCategory,
    IntentClass,
    MoveChannel,
    ProjectClass,
    StageKind,
    TeamRole,
)
from kam.opportunities.money import weighted


def localised(name_zh: str, name_en: str) -> str:
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
        return keyed_url("opportunities:process", self.pk)

    @property
    def display_name(self) -> str:
        return localised(self.name_zh, self.name_en)

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
    # The stage's exit gate (TAS+: 必填 / 必做 / 必审); `kam.opportunities.gates` reads these.
    required_fields = models.JSONField(_("必填字段"), default=list, blank=True)
    required_checks = models.JSONField(_("必做检查"), default=list, blank=True)
    required_approvals = models.JSONField(_("必审流程"), default=list, blank=True)
    # The iron triangle this stage expects on the deal (TeamRole values), SPEC R-OPP-6.
    team_roles = models.JSONField(_("项目组角色"), default=list, blank=True)

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
        return localised(self.name_zh, self.name_en)

    @property
    def is_closed(self) -> bool:
        return self.kind in {StageKind.WON, StageKind.LOST}


class StageAttestation(models.Model):
    """A manual required action of a stage: a box someone of `role` ticks (SPEC R-OPP-3)."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="attestations")
    label_zh = models.CharField(_("中文名称"), max_length=100)
    label_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    role = models.CharField(_("确认角色"), max_length=32, choices=TeamRole.choices)

    class Meta:
        verbose_name = _("人工确认项")
        verbose_name_plural = _("人工确认项")
        ordering = ["stage", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localised(self.label_zh, self.label_en)


ZERO = Decimal("0.00")
PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class Opportunity(models.Model):
    account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("客户"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    name = models.CharField(_("商机名称"), max_length=200)
    # Filled from the primary key right after the insert, in the same transaction.
    number = models.CharField(  # noqa: DJ001 - NULL until the pk exists; unique "" would clash
        _("商机编号"), max_length=20, unique=True, null=True, editable=False
    )
    process = models.ForeignKey(
        SalesProcess, verbose_name=_("销售流程"), on_delete=models.PROTECT, related_name="+"
    )
    stage = models.ForeignKey(
        Stage, verbose_name=_("阶段"), on_delete=models.PROTECT, related_name="opportunities"
    )
    stage_entered_at = models.DateTimeField(_("进入阶段时间"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        on_delete=models.PROTECT,
        related_name="owned_opportunities",
    )
    amount = models.DecimalField(
        _("金额（元）"), max_digits=16, decimal_places=2, default=ZERO, editable=False
    )
    expected_sign_date = models.DateField(_("预计签约日期"), null=True, blank=True)
    probability = models.PositiveSmallIntegerField(_("赢率（%）"), validators=PERCENT)
    forecast_category = models.CharField(
        _("预测类别"),
        max_length=16,
        choices=ForecastCategory.choices,
        default=ForecastCategory.PIPELINE,
    )
    intent_class = models.CharField(
        _("意向分类"), max_length=1, choices=IntentClass.choices, blank=True
    )
    project_class = models.CharField(
        _("项目分类"), max_length=1, choices=ProjectClass.choices, blank=True
    )
    partner_name = models.CharField(_("报备合作伙伴"), max_length=200, blank=True)
    customer_lead = models.CharField(_("客户方牵头人"), max_length=100, blank=True)
    description = models.TextField(_("项目概况"), blank=True)
    close_reason = models.CharField(
        _("赢单/输单原因"), max_length=16, choices=CloseReason.choices, blank=True
    )
    close_note = models.TextField(_("原因说明"), blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("商机")
        verbose_name_plural = _("商机")
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "stage"], name="opp_owner_stage"),
            models.Index(fields=["stage", "-updated_at"], name="opp_stage_updated"),
            models.Index(fields=["account", "-updated_at"], name="opp_account_updated"),
            models.Index(fields=["expected_sign_date"], name="opp_sign_date"),
            models.Index(fields=["forecast_category", "expected_sign_date"], name="opp_forecast"),
            models.Index(fields=["-updated_at", "-id"], name="opp_updated"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__gte=0) & Q(probability__lte=100),
                name="opp_probability_0_100",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="opp_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.number or ''} {self.name}".strip()

    def get_absolute_url(self) -> str:
        return keyed_url("opportunities:detail", self.pk)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def weighted_amount(self) -> Decimal:
        return weighted(self.amount, self.probability)


class OpportunityLine(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "products.Product", verbose_name=_("产品"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("说明"), max_length=200, blank=True)
    quantity = models.DecimalField(_("数量"), max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(_("单价（元）"), max_digits=14, decimal_places=2)
    discount_rate = models.DecimalField(
        _("折扣率（%）"), max_digits=5, decimal_places=2, default=ZERO, validators=PERCENT
    )
    amount = models.DecimalField(_("金额（元）"), max_digits=16, decimal_places=2, editable=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("商机明细")
        verbose_name_plural = _("商机明细")
        ordering = ["opportunity", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="opp_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="opp_line_price_not_neg"),
            models.CheckConstraint(
                condition=Q(discount_rate__gte=0) & Q(discount_rate__lte=100),
                name="opp_line_discount_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"


class Competitor(models.Model):
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="competitors"
    )
    name = models.CharField(_("竞争对手"), max_length=200)
    strengths = models.TextField(_("优势"), blank=True)
    weaknesses = models.TextField(_("劣势"), blank=True)
    relationship = models.TextField(_("与客户的关系"), blank=True)

    class Meta:
        verbose_name = _("竞争对手")
        verbose_name_plural = _("竞争对手")
        ordering = ["opportunity", "pk"]

    def __str__(self) -> str:
        return self.name


class StageMove(models.Model):
    """Every stage change (SPEC R-OPP-2); a bypassed gate keeps what was missing (R-OPP-3)."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="stage_moves"
    )
    from_stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    # Denormalised so the violations report groups by rep without joining back.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    channel = models.CharField(max_length=16, choices=MoveChannel.choices)
    moved_at = models.DateTimeField(auto_now_add=True, db_index=True)
    bypassed = models.BooleanField(_("越过关卡"), default=False)
    bypass_reason = models.CharField(_("越过原因"), max_length=300, blank=True)
    missing = models.JSONField(_("未满足项"), default=list, blank=True)

    class Meta:
        verbose_name = _("阶段变更")
        verbose_name_plural = _("阶段变更")
        ordering = ["opportunity", "moved_at", "pk"]
        indexes = [
            models.Index(fields=["bypassed", "-moved_at"], name="stage_move_bypassed"),
            models.Index(fields=["to_stage", "moved_at"], name="stage_move_to_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.from_stage_id} → {self.to_stage_id}"


class OpportunityTeamMember(models.Model):
    """The iron triangle and whoever else works the deal; membership grants visibility."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="team_members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("成员"),
        on_delete=models.CASCADE,
        related_name="opportunity_memberships",
    )
    role = models.CharField(_("角色"), max_length=32, choices=TeamRole.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("项目组成员")
        verbose_name_plural = _("项目组成员")
        ordering = ["opportunity", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "user", "role"], name="opp_team_member_unique"
            )
        ]
        indexes = [models.Index(fields=["user", "opportunity"], name="opp_team_user")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class AttestationRecord(models.Model):
    """Who ticked a manual required action for this opportunity, and when."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="attestations"
    )
    attestation = models.ForeignKey(
        StageAttestation, on_delete=models.CASCADE, related_name="records"
    )
    attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    attested_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("人工确认记录")
        verbose_name_plural = _("人工确认记录")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "attestation"], name="opp_attestation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.attestation}"


class InitiationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("审批中")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已驳回")
    RETURNED = "returned", _("已退回修改")


class InitiationReport(models.Model):
    """The 立项报告 of a deal (SPEC R-OPP-4); its approval opens the gate that requires
    "initiation". Figures are what the rep expects, not the line-item amount."""

    opportunity = models.OneToOneField(
        Opportunity,
        verbose_name=_("商机"),
        on_delete=models.CASCADE,
        related_name="initiation_report",
    )
    project_name = models.CharField(_("项目名称"), max_length=200)
    project_number = models.CharField(_("项目编号"), max_length=30)
    customer_lead = models.CharField(_("客户方牵头人"), max_length=100, blank=True)
    contract_amount = models.DecimalField(_("预计合同金额（元）"), max_digits=16, decimal_places=2)
    gross_margin_rate = models.DecimalField(
        _("预计毛利率（%）"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(-100), MaxValueValidator(100)],
    )
    expense_budget = models.DecimalField(
        _("销售费用预算（元）"), max_digits=16, decimal_places=2, default=ZERO
    )
    project_class = models.CharField(
        _("项目分类"), max_length=1, choices=ProjectClass.choices, blank=True
    )
    expected_sign_date = models.DateField(_("预计签约日期"), null=True, blank=True)
    background = models.TextField(_("项目背景及说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=InitiationStatus.choices, default=InitiationStatus.DRAFT
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("立项报告")
        verbose_name_plural = _("立项报告")
        constraints = [
            models.CheckConstraint(
                condition=Q(contract_amount__gte=0), name="initiation_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(expense_budget__gte=0), name="initiation_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(gross_margin_rate__gte=-100) & Q(gross_margin_rate__lte=100),
                name="initiation_margin_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_number} {self.project_name}"

    def get_absolute_url(self) -> str:
        return keyed_url("opportunities:initiation", self.opportunity_id)

    @property
    def editable(self) -> bool:
        return self.status in {InitiationStatus.DRAFT, InitiationStatus.RETURNED}
