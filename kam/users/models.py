import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from kam.users.enums import ALL_SEEING_ROLES, Role


class Team(models.Model):
    """A node of the team tree: company → region/industry team → sub-team."""

    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级团队"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("团队")
        verbose_name_plural = _("团队")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    role = models.CharField(
        _("角色"), max_length=32, choices=Role.choices, default=Role.ACCOUNT_MANAGER
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("团队"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("直属上级"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="direct_reports",
    )
    time_zone = models.CharField(_("时区"), max_length=64, default="Asia/Shanghai")
    phone = models.CharField(_("手机"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        permissions = [("export_data", _("可以导出数据"))]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def sees_everything(self) -> bool:
        return self.is_superuser or self.role in ALL_SEEING_ROLES


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a hash is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "kam_" + secrets.token_urlsafe(32)


class SavedView(models.Model):
    """A user's named filter + sort + columns for one list page (R-UI-1)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="saved_views")
    list_key = models.CharField(max_length=50)
    name = models.CharField(_("视图名称"), max_length=60)
    query_string = models.CharField(max_length=2000, blank=True)
    columns = models.JSONField(default=list, blank=True)
    is_default = models.BooleanField(_("默认视图"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("保存的视图")
        verbose_name_plural = _("保存的视图")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "list_key", "name"], name="saved_view_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name
