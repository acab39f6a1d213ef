"""The only write path for approvals (R-APR-1): submit, decide, resubmit, withdraw, and the
admin-configured chains. Every decision stays as a step row; nothing is deleted."""

import json
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.accounts.models import Account
from kam.approvals.chains import ResolvedStep, chain_resolve, chain_token
from kam.approvals.enums import ApprovalStatus, ApproverRule, StepStatus
from kam.approvals.models import Approval, ApprovalChainStep, ApprovalStep
from kam.approvals.registry import ChainRule, approval_type_get
from kam.approvals.rules import approval_chain_manageable_by, approval_current_step
from kam.approvals.selectors import approval_pending_exists
from kam.audit.services import audit_record_changes, audit_record_creation, audit_snapshot
from kam.core.versioning import stale_record_error
from kam.notifications.enums import NotificationKind
from kam.notifications.services import notify
from kam.opportunities.models import Opportunity
from kam.search.services import search_index_approval
from kam.users.enums import Role
from kam.users.models import User

AUDITED_FIELDS = ["type_code", "title", "requester", "account", "amount", "status"]
DUPLICATE_MESSAGE = gettext_lazy("同一事项已有审批中的同类申请，请等待其处理完毕。")


def _reject_floats(value: Any, field: str) -> None:
    if isinstance(value, float):
        raise ValidationError({field: [_("金额等数值请使用字符串或 Decimal，不接受浮点数。")]})
    if isinstance(value, dict):
        for item in value.values():
            _reject_floats(item, field)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _reject_floats(item, field)


def _json_safe(payload: dict[str, Any] | None) -> dict[str, Any]:
    payload = payload or {}
    _reject_floats(payload, "payload")
    safe: dict[str, Any] = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    return safe


def _check_amount(amount: Decimal | None) -> Decimal | None:
    if amount is None:
        return None
    if isinstance(amount, (bool, float)) or not isinstance(amount, Decimal):
        raise ValidationError({"amount": [_("金额必须是 Decimal（不接受浮点数）。")]})
    if not amount.is_finite() or amount < 0:
        raise ValidationError({"amount": [_("金额不能为负数。")]})
    return amount.quantize(Decimal("0.01"))


def _save(approval: Approval, fields: list[str]) -> None:
    approval.version += 1
    try:
        with transaction.atomic():
            approval.save(update_fields=[*fields, "version"])
    except IntegrityError:
        # Two submissions raced past the pending check; the partial unique index caught it.
        raise ValidationError(str(DUPLICATE_MESSAGE), code="duplicate_pending") from None
    search_index_approval(approval)


def _notify_pending(approval: Approval, approver: User) -> None:
    label = approval_type_get(approval.type_code).label
    notify(
        recipients=[approver],
        kind=NotificationKind.APPROVAL_PENDING,
        title=_("待您审批：%(type)s · %(title)s") % {"type": label, "title": approval.title},
        body=_("发起人：%(requester)s") % {"requester": approval.requester},
        url=approval.get_absolute_url(),
        subject=approval,
    )


def _notify_decided(approval: Approval, actor: User) -> None:
    notify(
        recipients=[approval.requester] if approval.requester_id != actor.pk else [],
        kind=NotificationKind.APPROVAL_DECIDED,
        title=_("审批%(status)s：%(title)s")
        % {"status": approval.get_status_display(), "title": approval.title},
        body=_("处理人：%(actor)s") % {"actor": actor},
        url=approval.get_absolute_url(),
        subject=approval,
    )


def _create_round(approval: Approval, resolved: list[ResolvedStep]) -> None:
    ApprovalStep.objects.bulk_create(
        ApprovalStep(
            approval=approval,
            round=approval.round,
            position=index,
            approver=step.approver,
            rule_label=step.rule_label[:100],
            status=StepStatus.PENDING if index == 1 else StepStatus.WAITING,
        )
        for index, step in enumerate(resolved, start=1)
    )
    _notify_pending(approval, resolved[0].approver)


@transaction.atomic
def approval_submit(
    *,
    type_code: str,
    requester: User,
    title: str,
    subject: models.Model | None = None,
    account: Account | None = None,
    opportunity: Opportunity | None = None,
    amount: Decimal | None = None,
    payload: dict[str, Any] | None = None,
) -> Approval:
    approval_type_get(type_code)  # an unknown type is a programming error (ValueError)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("请填写审批标题。")]})
    amount = _check_amount(amount)
    safe_payload = _json_safe(payload)
    if account is None and opportunity is not None:
        account = opportunity.account
    if account is None and isinstance(subject, Account):
        account = subject
    if approval_pending_exists(type_code=type_code, subject=subject, opportunity=opportunity):
        raise ValidationError(str(DUPLICATE_MESSAGE), code="duplicate_pending")
    resolved = chain_resolve(type_code=type_code, requester=requester, amount=amount)
    approval = Approval(
        type_code=type_code,
        title=title[:200],
        requester=requester,
        account=account,
        opportunity=opportunity,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=subject.pk if subject is not None else None,
        amount=amount,
        payload=safe_payload,
        status=ApprovalStatus.PENDING,
        current_position=1,
        round=1,
        submitted_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            approval.save()
    except IntegrityError:
        raise ValidationError(str(DUPLICATE_MESSAGE), code="duplicate_pending") from None
    audit_record_creation(instance=approval, fields=AUDITED_FIELDS, actor=requester)
    _create_round(approval, resolved)
    search_index_approval(approval)
    return approval


def _lock_for_decision(
    approval: Approval, actor: User, version: int
) -> tuple[Approval, ApprovalStep]:
    locked = Approval.objects.select_for_update().select_related("requester").get(pk=approval.pk)
    step = approval_current_step(locked)
    if step is None or step.approver_id != actor.pk:
        # An approver re-posting a page the approval has moved on from gets the conflict
        # message; everyone else is simply not allowed.
        if locked.version != version and locked.steps.filter(approver=actor).exists():
            raise stale_record_error()
        raise PermissionDenied(_("只有当前审批人可以处理该审批。"))
    if locked.version != version:
        raise stale_record_error()
    return locked, step


def _lock_for_requester(approval: Approval, actor: User, version: int) -> Approval:
    locked = Approval.objects.select_for_update().select_related("requester").get(pk=approval.pk)
    if locked.requester_id != actor.pk:
        raise PermissionDenied(_("只有发起人可以执行此操作。"))
    if locked.version != version:
        raise stale_record_error()
    return locked


def _decide_step(step: ApprovalStep, status: str, comment: str) -> None:
    step.status = status
    step.comment = comment
    step.decided_at = timezone.now()
    step.save(update_fields=["status", "comment", "decided_at"])


def _skip_waiting(approval: Approval) -> None:
    ApprovalStep.objects.filter(
        approval=approval, round=approval.round, status__in=[StepStatus.WAITING, StepStatus.PENDING]
    ).update(status=StepStatus.SKIPPED)


def _sync(target: Approval, source: Approval) -> Approval:
    for field in ("status", "current_position", "round", "decided_at", "version", "title",
                  "amount", "payload", "submitted_at"):  # fmt: skip
        setattr(target, field, getattr(source, field))
    return source


@transaction.atomic
def approval_approve(
    *, approval: Approval, actor: User, version: int, comment: str = ""
) -> Approval:
    locked, step = _lock_for_decision(approval, actor, version)
    before = audit_snapshot(locked, AUDITED_FIELDS)
    _decide_step(step, StepStatus.APPROVED, comment.strip())
    following = (
        ApprovalStep.objects.filter(
            approval=locked,
            round=locked.round,
            position__gt=step.position,
            status=StepStatus.WAITING,
        )
        .select_related("approver")
        .order_by("position")
        .first()
    )
    if following is not None:
        following.status = StepStatus.PENDING
        following.save(update_fields=["status"])
        locked.current_position = following.position
        _save(locked, ["current_position"])
        _notify_pending(locked, following.approver)
    else:
        locked.status = ApprovalStatus.APPROVED
        locked.decided_at = timezone.now()
        _save(locked, ["status", "decided_at"])
        apply = approval_type_get(locked.type_code).apply
        if apply is not None:
            apply(locked, actor)
        _notify_decided(locked, actor)
    audit_record_changes(instance=locked, before=before, actor=actor)
    return _sync(approval, locked)


def _finish(
    *, approval: Approval, actor: User, version: int, comment: str, outcome: str
) -> Approval:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": [_("请填写审批意见（驳回或退回时必填）。")]})
    locked, step = _lock_for_decision(approval, actor, version)
    before = audit_snapshot(locked, AUDITED_FIELDS)
    step_status = StepStatus.REJECTED if outcome == ApprovalStatus.REJECTED else StepStatus.RETURNED
    _decide_step(step, step_status, comment)
    _skip_waiting(locked)
    locked.status = outcome
    locked.decided_at = timezone.now()
    _save(locked, ["status", "decided_at"])
    approval_type = approval_type_get(locked.type_code)
    hook = (
        approval_type.on_rejected
        if outcome == ApprovalStatus.REJECTED
        else approval_type.on_sent_back
    )
    if hook is not None:
        hook(locked, actor)
    _notify_decided(locked, actor)
    audit_record_changes(instance=locked, before=before, actor=actor)
    return _sync(approval, locked)


@transaction.atomic
def approval_reject(*, approval: Approval, actor: User, version: int, comment: str) -> Approval:
    return _finish(
        approval=approval, actor=actor, version=version, comment=comment,
        outcome=ApprovalStatus.REJECTED,
    )  # fmt: skip


@transaction.atomic
def approval_return(*, approval: Approval, actor: User, version: int, comment: str) -> Approval:
    """Send it back to the requester, who may fix it and resubmit."""
    return _finish(
        approval=approval, actor=actor, version=version, comment=comment,
        outcome=ApprovalStatus.RETURNED,
    )  # fmt: skip


@transaction.atomic
def approval_resubmit(
    *,
    approval: Approval,
    actor: User,
    version: int,
    payload: dict[str, Any] | None = None,
    amount: Decimal | None = None,
    title: str | None = None,
) -> Approval:
    """A returned approval goes round again; the chain is resolved afresh for the new round."""
    locked = _lock_for_requester(approval, actor, version)
    if locked.status != ApprovalStatus.RETURNED:
        raise ValidationError(_("只有被退回的审批可以重新提交。"), code="not_returned")
    before = audit_snapshot(locked, AUDITED_FIELDS)
    if title is not None:
        if not title.strip():
            raise ValidationError({"title": [_("请填写审批标题。")]})
        locked.title = title.strip()[:200]
    if amount is not None:
        locked.amount = _check_amount(amount)
    if payload is not None:
        locked.payload = _json_safe(payload)
    resolved = chain_resolve(type_code=locked.type_code, requester=actor, amount=locked.amount)
    locked.round += 1
    locked.current_position = 1
    locked.status = ApprovalStatus.PENDING
    locked.submitted_at = timezone.now()
    locked.decided_at = None
    _save(
        locked,
        ["title", "amount", "payload", "round", "current_position", "status", "submitted_at",
         "decided_at"],
    )  # fmt: skip
    audit_record_changes(instance=locked, before=before, actor=actor)
    _create_round(locked, resolved)
    return _sync(approval, locked)


@transaction.atomic
def approval_withdraw(*, approval: Approval, actor: User, version: int) -> Approval:
    locked = _lock_for_requester(approval, actor, version)
    if locked.status != ApprovalStatus.PENDING:
        raise ValidationError(_("只有审批中的申请可以撤回。"), code="not_pending")
    before = audit_snapshot(locked, AUDITED_FIELDS)
    _skip_waiting(locked)
    locked.status = ApprovalStatus.WITHDRAWN
    locked.decided_at = timezone.now()
    _save(locked, ["status", "decided_at"])
    on_sent_back = approval_type_get(locked.type_code).on_sent_back
    if on_sent_back is not None:
        on_sent_back(locked, actor)
    audit_record_changes(instance=locked, before=before, actor=actor)
    return _sync(approval, locked)


def _validate_rule(index: int, rule: ChainRule) -> None:
    row = index + 1
    if rule.rule not in ApproverRule.values:
        raise ValidationError({"rule": [_("第 %(row)d 行：无效的审批人规则。") % {"row": row}]})
    if rule.rule == ApproverRule.ROLE and rule.role not in Role.values:
        raise ValidationError(
            {"role": [_("第 %(row)d 行：按角色审批需要选择角色。") % {"row": row}]}
        )
    if rule.rule == ApproverRule.NAMED_USER and not (
        rule.user_id is not None and User.objects.filter(pk=rule.user_id, is_active=True).exists()
    ):
        raise ValidationError(
            {"user": [_("第 %(row)d 行：请选择一位在职的审批人。") % {"row": row}]}
        )
    if rule.min_amount is not None and (
        not isinstance(rule.min_amount, Decimal)
        or not rule.min_amount.is_finite()
        or rule.min_amount < 0
    ):
        raise ValidationError(
            {"min_amount": [_("第 %(row)d 行：金额门槛必须是不小于 0 的金额。") % {"row": row}]}
        )


@transaction.atomic
def approval_chain_save(
    *, type_code: str, rules: list[ChainRule], actor: User, token: str
) -> list[ApprovalChainStep]:
    """Replace the configured chain of a type; an empty list goes back to the default chain.
    Refused when the rows changed since `token` was read."""
    if not approval_chain_manageable_by(actor):
        raise PermissionDenied(_("只有管理员和总经理可以配置审批链。"))
    approval_type_get(type_code)
    for index, rule in enumerate(rules):
        _validate_rule(index, rule)
    current = list(ApprovalChainStep.objects.select_for_update().filter(type_code=type_code))
    if chain_token(type_code) != token:
        raise stale_record_error()
    next_version = max((row.version for row in current), default=0) + 1
    ApprovalChainStep.objects.filter(type_code=type_code).delete()
    rows = ApprovalChainStep.objects.bulk_create(
        ApprovalChainStep(
            type_code=type_code,
            position=index,
            rule=rule.rule,
            role=rule.role if rule.rule == ApproverRule.ROLE else "",
            user_id=rule.user_id if rule.rule == ApproverRule.NAMED_USER else None,
            min_amount=rule.min_amount.quantize(Decimal("0.01"))
            if rule.min_amount is not None
            else None,
            version=next_version,
        )
        for index, rule in enumerate(rules, start=1)
    )
    for row in rows:
        audit_record_creation(
            instance=row, fields=["type_code", "position", "rule", "role", "user", "min_amount"],
            actor=actor,
        )  # fmt: skip
    return rows
