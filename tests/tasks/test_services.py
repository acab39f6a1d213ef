"""Manual tasks and group-bot settings: rules, history, conflicts."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kam.audit.models import FieldChange
from kam.core.versioning import STALE_MESSAGE
from kam.tasks.models import Task, TeamWebhook
from kam.tasks.services.manual import (
    task_complete,
    task_create,
    task_delete,
    task_reopen,
    task_update,
)
from kam.tasks.services.team_webhooks import team_webhook_create, team_webhook_update
from tests.factories import AccountFactory
from tests.tasks.conftest import TaskFactory, TeamWebhookFactory

pytestmark = pytest.mark.django_db
DUE = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def _history(obj, field):
    return list(
        FieldChange.objects.filter(object_id=obj.pk, field=field).values_list(
            "old_value", "new_value", "actor_id"
        )
    )


def test_create_for_self_with_history(rep):
    account = AccountFactory(owner=rep)
    task = task_create(actor=rep, data={"title": " 发报价 ", "due_at": DUE, "account": account})
    assert task.title == "发报价" and task.owner == rep and task.source == "manual"
    assert task.account == account and task.created_by == rep
    assert _history(task, "title") == [("", "发报价", rep.pk)]


def test_manager_assigns_down_but_not_across(manager, rep, other_rep):
    assert task_create(actor=manager, data={"title": "x", "owner": rep}).owner == rep
    with pytest.raises(ValidationError) as error:
        task_create(actor=manager, data={"title": "x", "owner": other_rep})
    assert error.value.message_dict == {"owner": ["只能把任务分配给自己或下属。"]}
    with pytest.raises(ValidationError):
        task_create(actor=rep, data={"title": "x", "owner": manager})


def test_validation_messages(rep, other_rep):
    theirs = AccountFactory(owner=other_rep)
    with pytest.raises(ValidationError) as error:
        task_create(
            actor=rep,
            data={
                "title": " ",
                "account": theirs,
                "due_at": DUE,
                "remind_at": DUE + timedelta(hours=1),
            },
        )
    assert error.value.message_dict == {
        "account": ["找不到该客户，或您无权查看。"],
        "title": ["请填写任务内容。"],
        "remind_at": ["提醒时间不能晚于截止时间。"],
    }
    assert not Task.objects.exists()


def test_update_moves_the_reminder_and_logs(rep):
    task = task_create(actor=rep, data={"title": "发报价", "due_at": DUE})
    task = task_update(task=task, actor=rep, version=0,
                       changes={"due_at": DUE + timedelta(days=1), "note": "带上样品"})  # fmt: skip
    assert task.remind_at == datetime(2026, 12, 2, 1, 0, tzinfo=UTC) and task.version == 1
    assert _history(task, "due_at") == [
        ("2026-12-01 18:00", "2026-12-02 18:00", rep.pk),
        ("", "2026-12-01 18:00", rep.pk),
    ]
    with pytest.raises(ValidationError) as error:
        task_update(task=task, actor=rep, version=0, changes={"note": "旧版本"})
    assert error.value.messages == [STALE_MESSAGE]


def test_derived_task_keeps_its_source_fields(rep):
    task = TaskFactory(owner=rep, source="action_item", source_key="action_item:1", title="a")
    with pytest.raises(ValidationError) as error:
        task_update(task=task, actor=rep, version=0, changes={"title": "b", "note": "ok"})
    assert error.value.message_dict == {"title": ["该任务由系统根据来源生成，请到来源处修改。"]}
    updated = task_update(task=task, actor=rep, version=0, changes={"title": "a", "note": "ok"})
    assert updated.note == "ok"
    with pytest.raises(ValidationError):
        task_delete(task=updated, actor=rep)


def test_complete_reopen_and_permissions(rep, colleague, manager):
    task = TaskFactory(owner=rep)
    with pytest.raises(PermissionDenied):
        task_complete(task=task, actor=colleague)
    done = task_complete(task=task, actor=manager)
    assert done.done_by == manager and done.done_at is not None
    again = task_complete(task=done, actor=rep)
    assert again.done_at == done.done_at and again.version == done.version
    reopened = task_reopen(task=again, actor=rep)
    assert reopened.done_at is None and reopened.done_by is None
    assert len(_history(task, "done_at")) == 2


def test_delete_manual_task(rep, colleague):
    task = TaskFactory(owner=rep, title="多余的")
    with pytest.raises(PermissionDenied):
        task_delete(task=task, actor=colleague)
    task_delete(task=task, actor=rep)
    assert not Task.objects.exists()
    assert _history(task, "title") == [("多余的", "（已删除）多余的", rep.pk)]


def test_only_team_managers_configure_bots(rep, manager, other_manager, director, team_one):
    data = {
        "team": team_one,
        "name": "一组群",
        "platform": "dingtalk",
        "url": "https://oapi.dingtalk.com/robot/send?access_token=x",
        "secret": "SEC1",
    }
    with pytest.raises(PermissionDenied):
        team_webhook_create(actor=rep, data=data)
    with pytest.raises(PermissionDenied):
        team_webhook_create(actor=other_manager, data=data)
    hook = team_webhook_create(actor=manager, data=data)
    assert hook.created_by == manager and hook.active
    assert team_webhook_create(actor=director, data={**data, "name": "二号"}).pk
    with pytest.raises(PermissionDenied):
        team_webhook_update(webhook=hook, actor=other_manager, version=0, changes={"active": False})


def test_bot_validation_and_secret_history(manager, team_one):
    with pytest.raises(ValidationError) as error:
        team_webhook_create(actor=manager, data={"team": team_one, "name": "", "platform": "wecom",
                                                 "url": "ftp://x", "secret": "s"})  # fmt: skip
    assert error.value.message_dict == {
        "name": ["请填写名称。"],
        "url": ["请填写以 http:// 或 https:// 开头的地址。"],
        "secret": ["企业微信群机器人不使用签名密钥。"],
    }
    hook = TeamWebhookFactory(team=team_one, url="https://qyapi.weixin.qq.com/x?key=old")
    changes = {"url": "https://qyapi.weixin.qq.com/x?key=new", "active": False}
    team_webhook_update(webhook=hook, actor=manager, version=0, changes=changes)
    hook.refresh_from_db()
    assert hook.url.endswith("key=new") and not hook.active and hook.version == 1
    changes = FieldChange.objects.filter(object_id=hook.pk)
    assert "key=new" not in " ".join(changes.values_list("new_value", flat=True))
    assert set(changes.values_list("field", flat=True)) == {"active", "url"}
    assert TeamWebhook.objects.count() == 1
