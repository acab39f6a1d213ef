"""How approvals read on pages and in the API: type labels, chain rules, the proposed change."""

import json
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch
from django.utils.translation import gettext as _

from kam.approvals.chains import rule_label
from kam.approvals.enums import ApproverRule
from kam.approvals.models import Approval
from kam.approvals.registry import ChainRule, ChangeRow, approval_type_get
from kam.users.models import User


def type_label(code: str) -> str:
    try:
        return str(approval_type_get(code).label)
    except ValueError:
        return code


def chain_rule_text(rule: ChainRule, users: dict[int, User] | None = None) -> str:
    if rule.rule == ApproverRule.ROLE:
        text = _("角色：%(role)s") % {"role": rule_label(rule)}
    elif rule.rule == ApproverRule.NAMED_USER:
        user = (users or {}).get(rule.user_id or 0)
        text = _("指定：%(user)s") % {"user": user if user is not None else rule.user_id}
    else:
        text = rule_label(rule)
    if rule.min_amount is not None:
        text += _("（金额 ≥ ¥%(amount)s）") % {"amount": f"{rule.min_amount:,.2f}"}
    return text


def _text(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def change_rows(approval: Approval) -> list[ChangeRow]:
    """The type's own old → new rows when it provides them, else the payload's keys and values."""
    try:
        describe = approval_type_get(approval.type_code).describe
    except ValueError:
        describe = None
    if describe is not None:
        return describe(approval)
    return [ChangeRow(label=str(k), old="", new=_text(v)) for k, v in approval.payload.items()]


@dataclass(frozen=True)
class SubjectLink:
    text: str
    url: str


def subject_link(approval: Approval) -> SubjectLink | None:
    subject = approval.subject if approval.subject_type_id else None
    if subject is None:
        subject = approval.opportunity if approval.opportunity_id else approval.account
    if subject is None:
        return None
    url = ""
    get_url = getattr(subject, "get_absolute_url", None)
    if callable(get_url):
        try:
            url = str(get_url())
        except NoReverseMatch:
            # The subject's app may not have its pages yet; show it without a link.
            url = ""
    return SubjectLink(text=str(subject), url=url)
