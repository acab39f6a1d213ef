"""Approvals about the deal itself (SPEC R-APR-1): an upgrade (项目/意向分类上调), an E-class
partner registration (E类报备), the technical guidance plan, the commercial PR plan and the
SOW / scope review. The request carries the plan or the reason as text; an upgrade or a
registration also carries the change, which is applied only when the last approver agrees.
Gates may require any of these types (a stage's `required_approvals`)."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.approvals.models import Approval
from kam.approvals.registry import ApprovalType, approval_type_label, approval_type_register
from kam.approvals.services import approval_submit
from kam.approvals.types import STANDARD_CHAIN
from kam.opportunities.enums import IntentClass, ProjectClass
from kam.opportunities.models import Opportunity
from kam.opportunities.rules import opportunity_can_contribute, opportunity_can_edit
from kam.opportunities.services.opportunities import opportunity_update
from kam.users.models import User

UPGRADE = "upgrade"
PARTNER_REGISTRATION = "partner_registration"
# Plans a team member may put forward; changes of the deal itself need edit rights.
PLAN_TYPES = ("guidance_plan", "pr_plan", "sow_review")
REQUEST_TYPES = (UPGRADE, PARTNER_REGISTRATION, *PLAN_TYPES)
MAX_CONTENT = 4000


def deal_request_types() -> list[tuple[str, str]]:
    return [(code, approval_type_label(code)) for code in REQUEST_TYPES]


def _changes(opportunity: Opportunity, type_code: str, changes: dict[str, Any]) -> dict[str, str]:
    if type_code == UPGRADE:
        clean = {
            key: str(changes.get(key) or "")
            for key in ("project_class", "intent_class")
            if changes.get(key)
        }
        if clean.get("project_class", "") not in ("", *ProjectClass.values):
            raise ValidationError({"project_class": [_("请选择有效的项目分类。")]})
        if clean.get("intent_class", "") not in ("", *IntentClass.values):
            raise ValidationError({"intent_class": [_("请选择有效的意向分类。")]})
        unchanged = {k: v for k, v in clean.items() if getattr(opportunity, k) != v}
        if not unchanged:
            raise ValidationError({"project_class": [_("升级申请要写明新的项目分类或意向分类。")]})
        return unchanged
    if type_code == PARTNER_REGISTRATION:
        partner = str(changes.get("partner_name") or "").strip()[:200]
        if not partner:
            raise ValidationError({"partner_name": [_("E 类报备必须写明合作伙伴。")]})
        return {"project_class": ProjectClass.E, "partner_name": partner}
    return {}


@transaction.atomic
def deal_approval_request(
    *,
    opportunity: Opportunity,
    actor: User,
    type_code: str,
    content: str,
    amount: Decimal | None = None,
    changes: dict[str, Any] | None = None,
) -> Approval:
    if type_code not in REQUEST_TYPES:
        raise ValidationError({"type_code": [_("请选择有效的审批类型。")]})
    allowed = (
        opportunity_can_contribute(actor, opportunity)
        if type_code in PLAN_TYPES
        else opportunity_can_edit(actor, opportunity)
    )
    if not allowed:
        raise PermissionDenied(_("你不能为这个商机提交此类审批。"))
    if opportunity.is_closed:
        raise ValidationError(_("商机已关闭，不能再提交审批。"))
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": [_("请填写计划内容或申请理由。")]})
    if len(content) > MAX_CONTENT:
        raise ValidationError({"content": [_("内容过长。")]})
    payload = {"content": content, "changes": _changes(opportunity, type_code, changes or {})}
    return approval_submit(
        type_code=type_code,
        requester=actor,
        title=f"{approval_type_label(type_code)}：{opportunity.name}",
        subject=opportunity,
        account=opportunity.account,
        opportunity=opportunity,
        amount=amount,
        payload=payload,
    )


def _apply_changes(approval: Approval, actor: User) -> None:
    changes = (approval.payload or {}).get("changes") or {}
    if not changes or approval.opportunity_id is None:
        return
    opportunity = Opportunity.objects.select_related("account").get(pk=approval.opportunity_id)
    if opportunity.is_closed:
        raise ValidationError(_("商机已关闭，无法执行这项变更。"))
    # The change is the requester's, made with the rights they had; the approvers let it through.
    try:
        opportunity_update(
            opportunity=opportunity,
            actor=approval.requester,
            version=opportunity.version,
            changes=changes,
        )
    except PermissionDenied:
        raise ValidationError(_("申请人已无权修改这个商机，无法执行这项变更。")) from None


def deal_approval_types_register() -> None:
    for code, label in (
        (UPGRADE, gettext_lazy("商机升级")),
        (PARTNER_REGISTRATION, gettext_lazy("E类报备")),
    ):
        approval_type_register(
            ApprovalType(code=code, label=label, default_chain=STANDARD_CHAIN, apply=_apply_changes)
        )
