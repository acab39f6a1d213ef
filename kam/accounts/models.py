from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kam.accounts.enums import (
    PROVINCE_CHOICES,
    AccountStatus,
    AccountTeamRole,
    CompanySize,
    CoreField,
    Grade,
    Industry,
    Level,
    PurchaseScenario,
    VerificationMethod,
)
from kam.core.links import keyed_url


class Account(models.Model):
    name = models.CharField(_("客户名称"), max_length=200)
    # Name with the usual noise (中国, 省, 有限公司, 分公司 …) removed, for duplicate warnings.
    name_normalized = models.CharField(max_length=200, db_index=True, editable=False)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True
    )
    industry = models.CharField(_("行业"), max_length=32, choices=Industry.choices)
    province = models.CharField(_("省份"), max_length=16, choices=PROVINCE_CHOICES)
    city = models.CharField(_("城市"), max_length=50, blank=True)
    level = models.CharField(_("客户层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    website = models.URLField(_("网站"), blank=True)
    size = models.CharField(_("规模"), max_length=16, choices=CompanySize.choices, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=AccountStatus.choices, default=AccountStatus.PROSPECT
    )
    grade = models.CharField(_("客户分级"), max_length=1, choices=Grade.choices, default=Grade.C)
    purchase_scenario = models.CharField(
        _("采购场景"), max_length=16, choices=PurchaseScenario.choices, blank=True
    )
    # A null owner means the account sits in the public pool.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("客户经理"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_accounts",
    )
    team = models.ForeignKey(
        "users.Team",
        verbose_name=_("所属团队"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    description = models.TextField(_("客户概况"), blank=True)
    personnel_change_at = models.DateTimeField(_("关键人变动"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("最近跟进"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Bumped by every edit; an edit based on an older version is refused instead of overwriting.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("客户")
        verbose_name_plural = _("客户")
        indexes = [
            models.Index(fields=["owner", "-updated_at"], name="account_owner_updated"),
            # The owned and the unowned accounts' ids, read from the index alone: the sets
            # that scans of other tables check their rows against (account_visibility_q).
            models.Index(fields=["owner", "id"], name="account_owner_id"),
            models.Index(fields=["team", "-updated_at"], name="account_team_updated"),
            # The list's default order, with the owner: visibility is checked in the index, so
            # even the last page of a director's list is read from the index alone.
            models.Index(fields=["-updated_at", "-id", "owner"], name="account_updated_owner"),
            models.Index(fields=["industry"], name="account_industry"),
            models.Index(fields=["province"], name="account_province"),
            models.Index(fields=["grade"], name="account_grade"),
            models.Index(fields=["level"], name="account_level"),
            models.Index(fields=["name"], name="account_name"),
            models.Index(fields=["-last_activity_at"], name="account_last_activity"),
            # The home page's flagged accounts: a change of key people is rare, so the few
            # flagged rows are found without reading every account.
            models.Index(
                fields=["-personnel_change_at"],
                name="account_personnel_change",
                condition=models.Q(personnel_change_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return keyed_url("accounts:detail", self.pk)

    @property
    def in_pool(self) -> bool:
        return self.owner_id is None


class AccountTeamMember(models.Model):
    """A colleague working on the account (iron triangle etc.): sees it, read-only."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="team_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_memberships"
    )
    role = models.CharField(_("角色"), max_length=16, choices=AccountTeamRole.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("客户团队成员")
        verbose_name_plural = _("客户团队成员")
        constraints = [
            models.UniqueConstraint(fields=["account", "user"], name="account_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.account} · {self.user}"


class GradeChange(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="grade_changes")
    from_grade = models.CharField(max_length=1, choices=Grade.choices, blank=True)
    to_grade = models.CharField(max_length=1, choices=Grade.choices)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["account", "-changed_at"], name="grade_change_account")]

    def __str__(self) -> str:
        return f"{self.from_grade}→{self.to_grade}"


class OwnerChange(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="owner_changes")
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["account", "-changed_at"], name="owner_change_account")]

    def __str__(self) -> str:
        return f"{self.from_owner}→{self.to_owner}"


class CoreFieldVerification(models.Model):
    """Who verified a core field (R-ACC-5), how, and the value they verified."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="verifications")
    field = models.CharField(_("核心字段"), max_length=16, choices=CoreField.choices)
    value = models.CharField(_("核实的值"), max_length=200)
    method = models.CharField(_("核实方式"), max_length=16, choices=VerificationMethod.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-verified_at", "-pk"]
        indexes = [models.Index(fields=["account", "field"], name="verification_account_field")]

    def __str__(self) -> str:
        return f"{self.get_field_display()}: {self.value}"


class AccountMerge(models.Model):
    """A duplicate account merged into `target` (R-ACC-4): what it was, who merged it, and why.

    The source row itself is gone; its id, name and credit code are kept here so the merge can
    be traced (and a stale link to the old id explained).
    """

    target = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="merges")
    source_id = models.PositiveBigIntegerField(_("被合并客户 ID"), db_index=True)
    source_name = models.CharField(_("被合并客户"), max_length=200)
    source_credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    reason = models.CharField(_("合并原因"), max_length=200)
    # How many rows moved per kind (contacts, interactions, children, members …).
    moved = models.JSONField(_("迁移数量"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(_("合并时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("客户合并记录")
        verbose_name_plural = _("客户合并记录")
        ordering = ["-merged_at", "-pk"]
        indexes = [models.Index(fields=["target", "-merged_at"], name="account_merge_target")]

    def __str__(self) -> str:
        return f"{self.source_name} → {self.target_id}"
