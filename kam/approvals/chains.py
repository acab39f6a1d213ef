"""Approval chains: the effective rules of a type, and resolving them into approvers."""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kam.approvals.enums import ApproverRule
from kam.approvals.models import ApprovalChainStep
from kam.approvals.registry import ChainRule, approval_type_get
from kam.users.enums import Role
from kam.users.models import User


@dataclass(frozen=True)
class ResolvedStep:
    approver: User
    rule_label: str


def chain_rows(type_code: str) -> list[ApprovalChainStep]:
    return list(
        ApprovalChainStep.objects.filter(type_code=type_code)
        .select_related("user")
        .order_by("position")
    )


def chain_effective(type_code: str) -> list[ChainRule]:
    """The configured rows of a type, or its registered default chain when it has none."""
    rows = chain_rows(type_code)
    if rows:
        return [
            ChainRule(rule=r.rule, role=r.role, user_id=r.user_id, min_amount=r.min_amount)
            for r in rows
        ]
    return list(approval_type_get(type_code).default_chain)


def chain_token(type_code: str) -> str:
    """Changes whenever the configured rows of a type change (the chain page's version)."""
    rows = ApprovalChainStep.objects.filter(type_code=type_code).order_by("position")
    text = "|".join(
        f"{r.pk}:{r.version}:{r.position}:{r.rule}:{r.role}:{r.user_id}:{r.min_amount}"
        for r in rows
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _rule_applies(rule: ChainRule, amount: Decimal | None) -> bool:
    if rule.min_amount is None:
        return True
    return amount is not None and amount >= rule.min_amount


def _nearest_with_role(requester: User, role: str) -> User | None:
    """Up the reports-to chain first; otherwise the first active user with the role."""
    seen: set[int] = {requester.pk}
    current = requester.manager
    while current is not None and current.pk not in seen:
        if current.role == role and current.is_active:
            return current
        seen.add(current.pk)
        current = current.manager
    return User.objects.filter(role=role, is_active=True).order_by("pk").first()


def rule_label(rule: ChainRule) -> str:
    if rule.rule == ApproverRule.ROLE:
        return str(Role(rule.role).label) if rule.role in Role.values else rule.role
    if rule.rule == ApproverRule.REQUESTER_MANAGER:
        return _("直属上级")
    return _("指定审批人")


def _approver_for(rule: ChainRule, requester: User) -> User | None:
    if rule.rule == ApproverRule.ROLE:
        return _nearest_with_role(requester, rule.role)
    if rule.rule == ApproverRule.REQUESTER_MANAGER:
        return requester.manager
    if rule.rule == ApproverRule.NAMED_USER and rule.user_id is not None:
        return User.objects.filter(pk=rule.user_id).first()
    return None


def _fallback(requester: User) -> ResolvedStep:
    gm = (
        User.objects.filter(role=Role.GENERAL_MANAGER, is_active=True)
        .exclude(pk=requester.pk)
        .order_by("pk")
        .first()
    )
    if gm is not None:
        return ResolvedStep(gm, _("总经理（兜底审批）"))
    superuser = (
        User.objects.filter(is_superuser=True, is_active=True)
        .exclude(pk=requester.pk)
        .order_by("pk")
        .first()
    )
    if superuser is not None:
        return ResolvedStep(superuser, _("系统管理员（兜底审批）"))
    raise ValidationError(_("找不到可用的审批人，请联系管理员配置审批链。"), code="no_approver")


def chain_resolve(*, type_code: str, requester: User, amount: Decimal | None) -> list[ResolvedStep]:
    """Who approves, in order: inactive people, the requester and repeats in a row dropped."""
    steps: list[ResolvedStep] = []
    for rule in chain_effective(type_code):
        if not _rule_applies(rule, amount):
            continue
        approver = _approver_for(rule, requester)
        if approver is None or not approver.is_active or approver.pk == requester.pk:
            continue
        if steps and steps[-1].approver.pk == approver.pk:
            continue
        steps.append(ResolvedStep(approver, rule_label(rule)))
    return steps or [_fallback(requester)]
