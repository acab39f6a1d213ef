"""Writes for tasks people make and tick off themselves (SPEC R-REV-3). Derived tasks pass
through the same complete/reopen path, but their title, owner, links and due date belong to
their source, so edits to those are refused here.

Links and the owner are checked against what the actor may see and assign before anything is
set, and every problem is raised at once so a form shows them together.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.accounts.rules import account_can_view
from kam.audit.services import audit_record_changes, audit_record_creation, audit_snapshot
from kam.core.versioning import lock_at_version, save_bumped
from kam.leads.models import Lead
from kam.leads.rules import lead_visibility_q
from kam.opportunities.models import Opportunity
from kam.opportunities.rules import opportunity_can_view
from kam.tasks.clock import default_remind_at
from kam.tasks.enums import TaskSource
from kam.tasks.models import Task
from kam.tasks.rules import task_can_assign_to, task_can_edit
from kam.users.models import User

TASK_FIELDS = ["title", "note", "owner", "account", "opportunity", "lead", "due_at", "remind_at"]
AUDITED_FIELDS = [*TASK_FIELDS, "done_at"]
# Derived tasks take these from their source; the user changes them there.
SOURCE_FIELDS = {"title", "owner", "account", "opportunity", "lead", "due_at"}


def _clean_links(*, actor: User, data: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    account = data.get("account")
    if account is not None and (
        not isinstance(account, Account) or not account_can_view(actor, account)
    ):
        errors["account"] = [_("找不到该客户，或您无权查看。")]
    opportunity = data.get("opportunity")
    if opportunity is not None and (
        not isinstance(opportunity, Opportunity) or not opportunity_can_view(actor, opportunity)
    ):
        errors["opportunity"] = [_("找不到该商机，或您无权查看。")]
    lead = data.get("lead")
    if lead is not None and (
        not isinstance(lead, Lead)
        or not Lead.objects.filter(lead_visibility_q(actor), pk=lead.pk).exists()
    ):
        errors["lead"] = [_("找不到该线索，或您无权查看。")]
    return errors


def _reference_errors(*, actor: User, data: dict[str, Any]) -> dict[str, list[str]]:
    """Checked before anything is assigned: an unknown id arrives as "" and must not reach the
    model's foreign keys."""
    errors = _clean_links(actor=actor, data=data)
    owner = data.get("owner")
    if "owner" in data and (not isinstance(owner, User) or not task_can_assign_to(actor, owner)):
        errors["owner"] = [_("只能把任务分配给自己或下属。")]
    return errors


def _apply(*, task: Task, values: dict[str, Any], errors: dict[str, list[str]]) -> None:
    """Set the valid values on the task, check the result, and raise every problem at once."""
    for name, value in values.items():
        if name not in errors:
            setattr(task, name, value.strip() if isinstance(value, str) else value)
    title = task.title or ""
    if not title:
        errors["title"] = [_("请填写任务内容。")]
    elif len(title) > 300:
        errors["title"] = [_("任务内容不能超过 300 个字。")]
    if task.due_at and task.remind_at and task.remind_at > task.due_at:
        errors["remind_at"] = [_("提醒时间不能晚于截止时间。")]
    if errors:
        raise ValidationError(errors)


def _apply_reminder(task: Task, *, remind_given: bool) -> None:
    """No explicit reminder: 09:00 on the due day in the owner's zone. A changed reminder is
    sent again."""
    if not remind_given:
        task.remind_at = (
            default_remind_at(task.due_at, task.owner.time_zone) if task.due_at else None
        )


@transaction.atomic
def task_create(*, actor: User, data: dict[str, Any]) -> Task:
    """A manual task; `data` holds TASK_FIELDS (owner defaults to the actor)."""
    values = {name: data[name] for name in TASK_FIELDS if name in data}
    values.setdefault("owner", actor)
    if values["owner"] is None:
        values["owner"] = actor
    task = Task(source=TaskSource.MANUAL, created_by=actor)
    _apply(task=task, values=values, errors=_reference_errors(actor=actor, data=values))
    _apply_reminder(task, remind_given=values.get("remind_at") is not None)
    task.save()
    audit_record_creation(instance=task, fields=AUDITED_FIELDS, actor=actor)
    return task


@transaction.atomic
def task_update(*, task: Task, actor: User, version: int, changes: dict[str, Any]) -> Task:
    if not task_can_edit(actor, task):
        raise PermissionDenied(_("只能修改自己或下属的任务。"))
    locked = lock_at_version(Task.objects.all(), pk=task.pk, version=version)
    changes = {name: value for name, value in changes.items() if name in TASK_FIELDS}
    if not locked.is_manual:
        blocked = [
            name for name in SOURCE_FIELDS & set(changes) if changes[name] != getattr(locked, name)
        ]
        if blocked:
            raise ValidationError(
                {name: [_("该任务由系统根据来源生成，请到来源处修改。")] for name in blocked}
            )
    before = audit_snapshot(locked, AUDITED_FIELDS)
    checked = dict(changes)
    new_owner = checked.get("owner")
    if isinstance(new_owner, User) and new_owner.pk == before["owner"][0]:
        checked.pop("owner")  # keeping a task's owner needs no right to assign
    _apply(task=locked, values=changes, errors=_reference_errors(actor=actor, data=checked))
    if "remind_at" in changes or "due_at" in changes:
        _apply_reminder(locked, remind_given=changes.get("remind_at") is not None)
    if locked.remind_at != before["remind_at"][0]:
        locked.reminded_at = None
    save_bumped(locked, [*TASK_FIELDS, "reminded_at"])
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


def _set_done(*, task: Task, actor: User, version: int | None, done: bool) -> Task:
    if not task_can_edit(actor, task):
        raise PermissionDenied(_("只能处理自己或下属的任务。"))
    if version is None:
        locked = Task.objects.select_for_update().get(pk=task.pk)
    else:
        locked = lock_at_version(Task.objects.all(), pk=task.pk, version=version)
    if locked.is_done == done:
        return locked
    before = audit_snapshot(locked, AUDITED_FIELDS)
    locked.done_at = timezone.now() if done else None
    locked.done_by = actor if done else None
    save_bumped(locked, ["done_at", "done_by"])
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


@transaction.atomic
def task_complete(*, task: Task, actor: User, version: int | None = None) -> Task:
    """Tick a task off (again is a no-op). Without a version the click wins over an edit made
    meanwhile: completing is what the user meant either way."""
    return _set_done(task=task, actor=actor, version=version, done=True)


@transaction.atomic
def task_reopen(*, task: Task, actor: User, version: int | None = None) -> Task:
    return _set_done(task=task, actor=actor, version=version, done=False)


@transaction.atomic
def task_delete(*, task: Task, actor: User) -> None:
    """Manual tasks only: a derived one would come back with the next sync (complete it)."""
    if not task_can_edit(actor, task):
        raise PermissionDenied(_("只能删除自己或下属的任务。"))
    if not task.is_manual:
        raise ValidationError(_("系统生成的任务不能删除，请将其标为完成。"))
    before = audit_snapshot(task, ["title"])
    task.title = _("（已删除）%(title)s") % {"title": task.title}
    audit_record_changes(instance=task, before=before, actor=actor)
    Task.objects.filter(pk=task.pk).delete()
