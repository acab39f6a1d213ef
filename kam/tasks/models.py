"""Tasks and reminders (SPEC R-REV-3): a person's to-do list, typed in by hand or derived from
next steps, action plans, approvals, lead follow-ups and engagement plans; and the team group-bot
webhooks that reminders and the morning digest may also go to."""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kam.core.links import keyed_url
from kam.tasks.enums import DeliveryStatus, TaskSource, WebhookEvent, WebhookPlatform


class Task(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    title = models.CharField(_("任务"), max_length=300)
    note = models.TextField(_("备注"), blank=True)
    account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("客户"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("商机"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    lead = models.ForeignKey(
        "leads.Lead",
        verbose_name=_("线索"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    due_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    remind_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("已提醒时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("完成人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(
        _("来源"), max_length=16, choices=TaskSource.choices, default=TaskSource.MANUAL
    )
    # "interaction:123" for a derived task, so syncing finds its row again; "" for manual ones.
    source_key = models.CharField(max_length=100, blank=True, default="")
    # Where the source lives in KAM ("/approvals/5/"), for the link on the task.
    source_url = models.CharField(max_length=500, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["done_at", "due_at", "pk"]
        indexes = [
            models.Index(fields=["owner", "done_at", "due_at"], name="task_owner_open"),
            models.Index(
                fields=["remind_at"],
                condition=Q(reminded_at__isnull=True, done_at__isnull=True),
                name="task_remind_pending",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "source_key"],
                condition=~Q(source_key=""),
                name="task_source_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return keyed_url("tasks:edit", self.pk)

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_manual(self) -> bool:
        return self.source == TaskSource.MANUAL

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_at is not None and self.due_at < timezone.now()


class TeamWebhook(models.Model):
    """A team's group bot on WeCom / DingTalk / Feishu. The URL carries the bot's access token,
    so it is as secret as the signing secret."""

    team = models.ForeignKey(
        "users.Team", verbose_name=_("团队"), on_delete=models.CASCADE, related_name="webhooks"
    )
    name = models.CharField(_("名称"), max_length=100)
    platform = models.CharField(_("平台"), max_length=16, choices=WebhookPlatform.choices)
    url = models.CharField(
        _("Webhook 地址"),
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
    )
    secret = models.CharField(_("签名密钥"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    send_reminders = models.BooleanField(_("发送任务提醒"), default=True)
    send_digest = models.BooleanField(_("发送每日摘要"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("团队群机器人")
        verbose_name_plural = _("团队群机器人")
        ordering = ["team", "name", "pk"]
        indexes = [models.Index(fields=["team", "active"], name="webhook_team_active")]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One message to a group bot: written before it is sent (so a job retried or run twice
    sends it once), then filled in with the receiver's answer."""

    webhook = models.ForeignKey(TeamWebhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("类型"), max_length=16, choices=WebhookEvent.choices)
    # "digest:2026-11-24" — a message that must go out once per occasion; "" otherwise.
    dedupe_key = models.CharField(max_length=100, blank=True, default="")
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("内容"))
    status = models.CharField(
        _("状态"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    status_code = models.PositiveSmallIntegerField(_("HTTP 状态码"), null=True, blank=True)
    error = models.CharField(_("错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("群机器人发送记录")
        verbose_name_plural = _("群机器人发送记录")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["webhook", "-created_at"], name="webhook_delivery_log")]
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="webhook_delivery_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.webhook_id} {self.event} {self.created_at:%Y-%m-%d %H:%M}"
