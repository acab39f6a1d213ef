"""Carrying out a handover and undoing one (SPEC R-REV-4), in one transaction each.

Ownership changes in bulk (one UPDATE per kind and receiver) with the history the single-record
services write: versions bumped (open edit forms go stale), field history for owner/team, an
`OwnerChange` row, a search re-index and the pool bookkeeping (`placement_owner_changed`) per
account, the deal's account manager on its team. A reversal is a handover of its own, so it
leaves the same trail.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.models import Account, OwnerChange
from kam.approvals.models import Approval, ApprovalStep
from kam.audit.models import FieldChange
from kam.handovers.enums import ItemKind
from kam.handovers.models import Handover, HandoverItem
from kam.handovers.selectors import OPEN_LEAD_STATUSES, OPEN_STEP_STATUSES, handover_owned
from kam.handovers.services.planning import Assignments, PlannedItem, handover_plan, require_manage
from kam.leads.models import Lead
from kam.notifications.enums import NotificationKind
from kam.notifications.services import notify
from kam.opportunities.enums import TeamRole
from kam.opportunities.models import Opportunity, OpportunityTeamMember
from kam.pools.services.claims import placement_owner_changed
from kam.tasks.models import Task
from kam.users.models import Team, User

# ---- moving rows ----------------------------------------------------------------------------


def _field_change(
    content_type: ContentType, object_id: int, model: type[models.Model], name: str,
    old: object, new: object, actor: User,
) -> FieldChange:  # fmt: skip
    verbose = model._meta.get_field(name).verbose_name  # type: ignore[union-attr]
    return FieldChange(
        content_type=content_type, object_id=object_id, field=name, field_label=str(verbose),
        old_value=str(old or ""), new_value=str(new or ""), actor=actor,
    )  # fmt: skip


def _by_receiver(items: Iterable[PlannedItem]) -> dict[int, list[PlannedItem]]:
    grouped: dict[int, list[PlannedItem]] = defaultdict(list)
    for item in items:
        assert item.to_user is not None  # noqa: S101 - problems refuse items without a receiver
        grouped[item.to_user.pk].append(item)
    return grouped


def _move_owned(
    model: type[models.Model], items: list[PlannedItem], *, actor: User, with_team: bool
) -> list[FieldChange]:
    """Owner (and team) moved with one UPDATE per receiver, version bumped, history rows."""
    content_type = ContentType.objects.get_for_model(model)
    now = timezone.now()
    history = []
    teams: set[int | None] = {getattr(item.row, "team_id", None) for item in items}
    teams |= {item.to_user.team_id for item in items if item.to_user is not None}
    team_names: dict[int | None, str] = {
        team.pk: str(team) for team in Team.objects.filter(pk__in=[pk for pk in teams if pk])
    }
    for group in _by_receiver(items).values():
        receiver = group[0].to_user
        assert receiver is not None  # noqa: S101 - grouped by receiver
        values: dict[str, Any] = {"owner_id": receiver.pk, "version": F("version") + 1}
        if with_team:
            values["team_id"] = receiver.team_id
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            values["updated_at"] = now
        model._default_manager.filter(pk__in=[item.object_id for item in group]).update(**values)
        for item in group:
            history.append(
                _field_change(content_type, item.object_id, model, "owner", item.from_user,
                              receiver, actor)
            )  # fmt: skip
            old_team = getattr(item.row, "team_id", None)
            if with_team and old_team != receiver.team_id:
                history.append(
                    _field_change(content_type, item.object_id, model, "team",
                                  team_names.get(old_team), team_names.get(receiver.team_id),
                                  actor)
                )  # fmt: skip
    return history


def _move_accounts(items: list[PlannedItem], *, actor: User, reason: str) -> list[FieldChange]:
    history = _move_owned(Account, items, actor=actor, with_team=True)
    OwnerChange.objects.bulk_create(
        OwnerChange(
            account_id=item.object_id,
            from_owner=item.from_user,
            to_owner=item.to_user,
            reason=reason,
            actor=actor,
        )
        for item in items
    )
    for item in items:
        account = item.row
        assert isinstance(account, Account) and item.to_user is not None  # noqa: S101
        account.owner_id, account.team_id = item.to_user.pk, item.to_user.team_id
        # As the accounts' owner change does: pool history and the new owner's protection.
        placement_owner_changed(
            account=account, from_owner_id=item.from_user.pk, actor=actor, reason=reason
        )
    return history


def _move_opportunities(items: list[PlannedItem], *, actor: User) -> list[FieldChange]:
    history = _move_owned(Opportunity, items, actor=actor, with_team=False)
    # As an owner edit does: the new owner joins the deal team as its account manager.
    OpportunityTeamMember.objects.bulk_create(
        [
            OpportunityTeamMember(
                opportunity_id=item.object_id, user=item.to_user, role=TeamRole.ACCOUNT_MANAGER
            )
            for item in items
        ],
        ignore_conflicts=True,
    )
    return history


def _move_steps(items: list[PlannedItem], *, actor: User) -> list[FieldChange]:
    content_type = ContentType.objects.get_for_model(ApprovalStep)
    history = []
    for group in _by_receiver(items).values():
        receiver = group[0].to_user
        ApprovalStep.objects.filter(pk__in=[item.object_id for item in group]).update(
            approver=receiver
        )
        history += [
            _field_change(content_type, item.object_id, ApprovalStep, "approver",
                          item.from_user, receiver, actor)
            for item in group
        ]  # fmt: skip
    # An approver's open decision page was for the old approver: make it stale.
    Approval.objects.filter(
        pk__in={item.row.approval_id for item in items}  # type: ignore[attr-defined]
    ).update(version=F("version") + 1)
    return history


def _apply(handover: Handover, items: list[PlannedItem], *, actor: User, reason: str) -> None:
    by_kind: dict[str, list[PlannedItem]] = defaultdict(list)
    for item in items:
        by_kind[item.kind].append(item)
    history: list[FieldChange] = []
    if by_kind[ItemKind.ACCOUNT]:
        history += _move_accounts(by_kind[ItemKind.ACCOUNT], actor=actor, reason=reason)
    if by_kind[ItemKind.OPPORTUNITY]:
        history += _move_opportunities(by_kind[ItemKind.OPPORTUNITY], actor=actor)
    if by_kind[ItemKind.LEAD]:
        history += _move_owned(Lead, by_kind[ItemKind.LEAD], actor=actor, with_team=True)
    if by_kind[ItemKind.APPROVAL_STEP]:
        history += _move_steps(by_kind[ItemKind.APPROVAL_STEP], actor=actor)
    if by_kind[ItemKind.TASK]:
        history += _move_owned(Task, by_kind[ItemKind.TASK], actor=actor, with_team=False)
    FieldChange.objects.bulk_create(history)
    HandoverItem.objects.bulk_create(
        HandoverItem(
            handover=handover,
            kind=item.kind,
            object_id=item.object_id,
            label=item.label[:300],
            from_user=item.from_user,
            to_user=item.to_user,
        )
        for item in items
    )
    _notify_receivers(handover, items)


def _notify_receivers(handover: Handover, items: list[PlannedItem]) -> None:
    counts: dict[int, int] = defaultdict(int)
    receivers: dict[int, User] = {}
    for item in items:
        assert item.to_user is not None  # noqa: S101 - every applied item has a receiver
        counts[item.to_user.pk] += 1
        receivers[item.to_user.pk] = item.to_user
    if handover.reverses_id:
        title = _("交接 #%(n)s 已撤销，部分工作回到你名下") % {"n": handover.reverses_id}
    else:
        title = _("你接手了 %(name)s 的工作") % {"name": handover.from_user}
    for pk, receiver in receivers.items():
        notify(
            recipients=[receiver],
            kind=NotificationKind.HANDOVER,
            title=title,
            body=_("共 %(count)s 项，请查看交接明细。") % {"count": counts[pk]},
            url=handover.get_absolute_url(),
            subject=handover,
            dedupe_key=f"handover:{handover.pk}",
        )


@transaction.atomic
def handover_execute(
    *,
    from_user: User,
    assignments: Assignments,
    actor: User,
    note: str = "",
    fingerprint: str = "",
) -> Handover:
    """Move everything as previewed, in one transaction, with the rows locked meanwhile.

    `fingerprint` (from the preview) makes it refuse when what would move changed since the
    actor looked at it."""
    require_manage(actor, from_user)
    owned = handover_owned(from_user, lock=True)
    plan = handover_plan(from_user=from_user, assignments=assignments, actor=actor, owned=owned)
    if plan.problems:
        raise ValidationError(plan.problems)
    if plan.total == 0:
        raise ValidationError(_("该用户名下没有需要交接的内容。"))
    if fingerprint and fingerprint != plan.fingerprint:
        raise ValidationError(_("预览之后交接内容有变化，请重新预览后再确认。"))
    handover = Handover.objects.create(
        from_user=from_user, created_by=actor, note=(note or "").strip()
    )
    _apply(handover, plan.items, actor=actor, reason=_("离职交接 #%(n)s") % {"n": handover.pk})
    return handover


# ---- reversal -------------------------------------------------------------------------------

_REVERSIBLE: dict[str, tuple[type[models.Model], str]] = {
    ItemKind.ACCOUNT: (Account, "owner_id"),
    ItemKind.OPPORTUNITY: (Opportunity, "owner_id"),
    ItemKind.LEAD: (Lead, "owner_id"),
    ItemKind.APPROVAL_STEP: (ApprovalStep, "approver_id"),
    ItemKind.TASK: (Task, "owner_id"),
}


def _still_open(kind: str, row: models.Model) -> bool:
    if isinstance(row, Opportunity):
        return row.closed_at is None
    if isinstance(row, Lead):
        return row.status in OPEN_LEAD_STATUSES
    if isinstance(row, ApprovalStep):
        return row.status in OPEN_STEP_STATUSES
    if isinstance(row, Task):
        return row.done_at is None
    return kind == ItemKind.ACCOUNT


@transaction.atomic
def handover_reverse(*, handover: Handover, actor: User, note: str = "") -> Handover:
    """A new handover moving each item back to where it came from — only items the receiver
    still holds (and that are still open); the others are skipped and listed on the record."""
    locked = Handover.objects.select_for_update().get(pk=handover.pk)
    original_owner = User.objects.get(pk=locked.from_user_id)
    require_manage(actor, original_owner)
    if locked.reverses_id is not None:
        raise ValidationError(_("撤销记录不能再撤销；如需调整请发起新的交接。"))
    if Handover.objects.filter(reverses=locked).exists():
        raise ValidationError(_("该交接已经撤销过。"))
    items = list(locked.items.select_related("from_user", "to_user").order_by("kind", "pk"))
    rows: dict[str, dict[int, models.Model]] = {}
    for kind, (model, _attr) in _REVERSIBLE.items():
        ids = [item.object_id for item in items if item.kind == kind]
        queryset = model._default_manager.select_for_update().filter(pk__in=ids).order_by("pk")
        rows[kind] = {row.pk: row for row in queryset} if ids else {}
    planned: list[PlannedItem] = []
    skipped: list[dict[str, Any]] = []
    for item in items:
        row = rows.get(item.kind, {}).get(item.object_id)
        reason = ""
        if row is None:
            reason = _("记录已不存在")
        elif getattr(row, _REVERSIBLE[item.kind][1]) != item.to_user_id:
            reason = _("已不在 %(name)s 名下") % {"name": item.to_user}
        elif not _still_open(item.kind, row):
            reason = _("已关闭或已处理")
        elif not item.from_user.is_active:
            reason = _("原负责人 %(name)s 已停用") % {"name": item.from_user}
        if reason:
            skipped.append(
                {"kind": item.kind, "object_id": item.object_id, "label": item.label,
                 "reason": reason}
            )  # fmt: skip
            continue
        assert row is not None  # noqa: S101 - a missing row is skipped above
        planned.append(
            PlannedItem(item.kind, item.object_id, item.label, item.to_user, item.from_user, row,
                        getattr(row, "account_id", None))
        )  # fmt: skip
    if not planned:
        raise ValidationError(_("没有可撤销的内容：所有项目在交接后都已变动。"))
    reversal = Handover.objects.create(
        from_user=original_owner, created_by=actor, reverses=locked,
        note=(note or "").strip(), skipped=skipped,
    )  # fmt: skip
    _apply(reversal, planned, actor=actor, reason=_("撤销交接 #%(n)s") % {"n": locked.pk})
    return reversal
