"""Writes for team group bots (WeCom / DingTalk / Feishu): a team's managers configure them.
The URL and secret are credentials, so their history says only that they changed.
"""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kam.audit.models import FieldChange
from kam.audit.services import audit_record_changes, audit_record_creation, audit_snapshot
from kam.core.versioning import lock_at_version, save_bumped
from kam.tasks.enums import WebhookEvent, WebhookPlatform
from kam.tasks.models import TeamWebhook, WebhookDelivery
from kam.tasks.rules import webhook_can_manage_team
from kam.tasks.webhooks import webhook_delivery_send
from kam.users.models import User

WEBHOOK_FIELDS = [
    "team",
    "name",
    "platform",
    "url",
    "secret",
    "active",
    "send_reminders",
    "send_digest",
]
# The URL and secret are credentials: their history says "changed", never the value.
WEBHOOK_AUDITED = ["team", "name", "platform", "active", "send_reminders", "send_digest"]


def _webhook_validate(*, actor: User, hook: TeamWebhook) -> None:
    errors: dict[str, list[str]] = {}
    if hook.team_id is None:
        errors["team"] = [_("请选择团队。")]
    elif not webhook_can_manage_team(actor, hook.team_id):
        errors["team"] = [_("只能为自己管理的团队配置群机器人。")]
    if not hook.name.strip():
        errors["name"] = [_("请填写名称。")]
    if hook.platform not in WebhookPlatform.values:
        errors["platform"] = [_("请选择平台。")]
    try:
        hook.clean_fields(exclude=["team", "created_by"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            if field == "url":
                errors.setdefault("url", []).append(_("请填写以 http:// 或 https:// 开头的地址。"))
            elif field not in errors:
                errors[field] = messages
    if hook.secret and hook.platform == WebhookPlatform.WECOM:
        errors["secret"] = [_("企业微信群机器人不使用签名密钥。")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def team_webhook_create(*, actor: User, data: dict[str, Any]) -> TeamWebhook:
    team = data.get("team")
    if team is None or not webhook_can_manage_team(actor, team.pk):
        raise PermissionDenied(_("只有团队的销售经理及以上可以配置群机器人。"))
    hook = TeamWebhook(created_by=actor)
    for name in WEBHOOK_FIELDS:
        if name in data:
            setattr(hook, name, data[name].strip() if isinstance(data[name], str) else data[name])
    _webhook_validate(actor=actor, hook=hook)
    hook.save()
    audit_record_creation(instance=hook, fields=WEBHOOK_AUDITED, actor=actor)
    return hook


@transaction.atomic
def team_webhook_update(
    *, webhook: TeamWebhook, actor: User, version: int, changes: dict[str, Any]
) -> TeamWebhook:
    if not webhook_can_manage_team(actor, webhook.team_id):
        raise PermissionDenied(_("只有团队的销售经理及以上可以配置群机器人。"))
    locked = lock_at_version(TeamWebhook.objects.all(), pk=webhook.pk, version=version)
    before = audit_snapshot(locked, WEBHOOK_AUDITED)
    credentials_before = (locked.url, locked.secret)
    for name in WEBHOOK_FIELDS:
        if name in changes:
            value = changes[name]
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
    _webhook_validate(actor=actor, hook=locked)
    save_bumped(locked, WEBHOOK_FIELDS)
    audit_record_changes(instance=locked, before=before, actor=actor)
    if (locked.url, locked.secret) != credentials_before:
        FieldChange.objects.create(
            content_type=ContentType.objects.get_for_model(TeamWebhook),
            object_id=locked.pk,
            field="url",
            field_label=str(TeamWebhook._meta.get_field("url").verbose_name),
            old_value="******",
            new_value=_("（地址或密钥已更改）"),
            actor=actor,
        )
    return locked


def team_webhook_test(*, webhook: TeamWebhook, actor: User) -> WebhookDelivery:
    """Send a test message now and return its logged result (the config page shows it)."""
    if not webhook_can_manage_team(actor, webhook.team_id):
        raise PermissionDenied(_("只有团队的销售经理及以上可以配置群机器人。"))
    delivery = WebhookDelivery.objects.create(
        webhook=webhook,
        event=WebhookEvent.TEST,
        title=_("KAM 测试消息"),
        text=_("%(actor)s 正在测试群机器人「%(name)s」。收到这条消息说明配置正确。")
        % {"actor": actor, "name": webhook.name},
    )
    return webhook_delivery_send(delivery.pk) or delivery
