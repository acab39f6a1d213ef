"""Rep departure handover (离职交接, SPEC R-REV-4): what would move and to whom, and what stops
it. Preview and execute plan with the same code, so what the actor confirmed is what moves.

What moves: the user's accounts, open leads, open opportunities, open manual tasks and the
approval steps waiting on them (pending or further down a pending chain). Derived tasks follow
their source records through the tasks app's sync. Closed deals and leads stay credited to the
person who worked them. Approvals the user *requested* stay their records — a request is a
fact of history, not a duty; the follow-up belongs to the new owner of the account or deal it
is about, who sees it through that record's visibility.

Who receives what (`Assignments`): everything to one colleague, or per kind, or per account.
For a lead, an opportunity or a task the receiver is, in order: the receiver named for its
account, the receiver named for its kind, the receiver of its account when that account moves
in the same handover ("accounts carry their open deals and leads"), and finally the
everything-receiver.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from kam.approvals.models import ApprovalStep
from kam.handovers.enums import ItemKind
from kam.handovers.rules import handover_can_manage, handover_receiver_allowed
from kam.handovers.selectors import OwnedWork, handover_owned, pending_requests_count
from kam.users.models import User


@dataclass(frozen=True)
class Assignments:
    everything: User | None = None
    per_kind: Mapping[str, User] = field(default_factory=dict)
    per_account: Mapping[int, User] = field(default_factory=dict)

    def receivers(self) -> list[User]:
        found: dict[int, User] = {}
        for user in [self.everything, *self.per_kind.values(), *self.per_account.values()]:
            if user is not None:
                found.setdefault(user.pk, user)
        return list(found.values())


@dataclass
class PlannedItem:
    kind: str
    object_id: int
    label: str
    from_user: User
    to_user: User | None
    row: models.Model
    account_id: int | None = None

    @property
    def kind_label(self) -> str:
        return str(ItemKind(self.kind).label)


@dataclass
class KindGroup:
    kind: str
    items: list[PlannedItem]

    @property
    def label(self) -> str:
        return str(ItemKind(self.kind).label)

    @property
    def count(self) -> int:
        return len(self.items)


@dataclass
class ReceiverShare:
    user: User
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class HandoverPreview:
    from_user: User
    groups: list[KindGroup]
    problems: list[str]
    # Open approvals the user requested: listed for information, they do not move.
    pending_requests: int = 0

    @property
    def items(self) -> list[PlannedItem]:
        return [item for group in self.groups for item in group.items]

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups)

    @property
    def ok(self) -> bool:
        return not self.problems and self.total > 0

    @property
    def receivers(self) -> list[ReceiverShare]:
        shares: dict[int, ReceiverShare] = {}
        for item in self.items:
            if item.to_user is None:
                continue
            share = shares.setdefault(item.to_user.pk, ReceiverShare(item.to_user, {}))
            share.counts[item.kind] = share.counts.get(item.kind, 0) + 1
        return list(shares.values())

    @property
    def fingerprint(self) -> str:
        """Names exactly what would move where; execute refuses if it changed since preview."""
        parts = sorted(
            f"{item.kind}:{item.object_id}:{item.to_user.pk if item.to_user else '-'}"
            for item in self.items
        )
        return hashlib.sha256("|".join(parts).encode()).hexdigest()


def require_manage(actor: User, user: User) -> None:
    if not handover_can_manage(actor, user):
        raise PermissionDenied(_("只有该用户的上级、总经理或管理员可以办理交接。"))


def _step_label(step: ApprovalStep) -> str:
    return _("%(title)s（第 %(n)s 步）") % {"title": step.approval.title, "n": step.position}


def handover_plan(
    *, from_user: User, assignments: Assignments, actor: User, owned: OwnedWork
) -> HandoverPreview:
    per_account = assignments.per_account
    per_kind = assignments.per_kind
    everything = assignments.everything
    account_receiver = {
        account.pk: per_account.get(account.pk) or per_kind.get(ItemKind.ACCOUNT) or everything
        for account in owned.accounts
    }

    def carried(kind: str, account_id: int | None) -> User | None:
        if account_id is not None and account_id in per_account:
            return per_account[account_id]
        if kind in per_kind:
            return per_kind[kind]
        if account_id is not None and account_receiver.get(account_id) is not None:
            return account_receiver[account_id]
        return everything

    groups = [
        KindGroup(
            ItemKind.ACCOUNT,
            [
                PlannedItem(ItemKind.ACCOUNT, a.pk, a.name, from_user, account_receiver[a.pk], a,
                            a.pk)
                for a in owned.accounts
            ],
        ),
        KindGroup(
            ItemKind.OPPORTUNITY,
            [
                PlannedItem(ItemKind.OPPORTUNITY, o.pk, str(o), from_user,
                            carried(ItemKind.OPPORTUNITY, o.account_id), o, o.account_id)
                for o in owned.opportunities
            ],
        ),
        KindGroup(
            ItemKind.LEAD,
            [
                PlannedItem(ItemKind.LEAD, lead.pk, lead.company_name, from_user,
                            carried(ItemKind.LEAD, lead.account_id), lead, lead.account_id)
                for lead in owned.leads
            ],
        ),
        KindGroup(
            ItemKind.APPROVAL_STEP,
            [
                PlannedItem(ItemKind.APPROVAL_STEP, s.pk, _step_label(s), from_user,
                            per_kind.get(ItemKind.APPROVAL_STEP) or everything, s,
                            s.approval.account_id)
                for s in owned.approval_steps
            ],
        ),
        KindGroup(
            ItemKind.TASK,
            [
                PlannedItem(ItemKind.TASK, t.pk, t.title, from_user,
                            carried(ItemKind.TASK, t.account_id), t, t.account_id)
                for t in owned.tasks
            ],
        ),
    ]  # fmt: skip
    problems = _problems(
        from_user=from_user, assignments=assignments, actor=actor, groups=groups, owned=owned
    )
    return HandoverPreview(
        from_user=from_user,
        groups=[group for group in groups if group.items],
        problems=problems,
        pending_requests=pending_requests_count(from_user),
    )


def _problems(
    *,
    from_user: User,
    assignments: Assignments,
    actor: User,
    groups: list[KindGroup],
    owned: OwnedWork,
) -> list[str]:
    problems = []
    for receiver in assignments.receivers():
        if receiver.pk == from_user.pk:
            problems.append(_("接收人不能是交出人本人。"))
        elif not receiver.is_active:
            problems.append(_("接收人 %(name)s 已停用。") % {"name": receiver})
        elif not handover_receiver_allowed(actor, receiver):
            problems.append(_("不能把工作交给 %(name)s：不在你的管理范围内。") % {"name": receiver})
    owned_accounts = {account.pk for account in owned.accounts}
    if set(assignments.per_account) - owned_accounts:
        problems.append(_("按客户指定的接收人中有不属于该用户的客户，请刷新后重试。"))
    for group in groups:
        missing = sum(1 for item in group.items if item.to_user is None)
        if missing:
            problems.append(
                _("%(count)s 项%(kind)s未指定接收人。") % {"count": missing, "kind": group.label}
            )
    step_receiver = assignments.per_kind.get(ItemKind.APPROVAL_STEP) or assignments.everything
    for step in owned.approval_steps:
        if step_receiver is not None and step_receiver.pk == step.approval.requester_id:
            problems.append(
                _("“%(title)s”的接收人是该申请的发起人，不能审批自己的申请。")
                % {"title": step.approval.title}
            )
    return list(dict.fromkeys(problems))


def handover_preview(*, from_user: User, assignments: Assignments, actor: User) -> HandoverPreview:
    """Everything that would move and to whom, with what stops it — nothing is written."""
    require_manage(actor, from_user)
    owned = handover_owned(from_user)
    return handover_plan(from_user=from_user, assignments=assignments, actor=actor, owned=owned)
