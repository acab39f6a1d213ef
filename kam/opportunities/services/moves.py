"""Stage moves (SPEC R-OPP-2, R-OPP-3): the one write path for changing an opportunity's stage,
whether from the form, the kanban, the API or a final approval. Gates are checked here and
nowhere else; an administrator's bypass is recorded with what was missing."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.audit.services import audit_record_changes, audit_snapshot
from kam.core.versioning import lock_at_version, save_bumped
from kam.opportunities.enums import CloseReason, ForecastCategory, MoveChannel, StageKind
from kam.opportunities.gates import Missing, gate_missing
from kam.opportunities.models import Opportunity, Stage, StageMove
from kam.opportunities.rules import gate_bypass_allowed, opportunity_can_edit
from kam.pools.services.protection import placement_refresh_by_id
from kam.users.models import User

MOVE_AUDITED = ["stage", "probability", "forecast_category", "close_reason", "close_note"]


class GateRefused(ValidationError):
    """A move refused by its gates; `missing` lists every unmet requirement, in stage order."""

    def __init__(self, missing: list[Missing]) -> None:
        self.missing = missing
        super().__init__(
            [_("不能推进到该阶段，还缺少：")] + [str(item) for item in missing], code="gate"
        )


def _forecast_after(stage: Stage, current: str) -> str:
    if stage.kind == StageKind.WON:
        return ForecastCategory.CLOSED
    if stage.kind == StageKind.LOST:
        return ForecastCategory.OMITTED
    if current in {ForecastCategory.CLOSED, ForecastCategory.OMITTED}:
        return ForecastCategory.PIPELINE
    return current


def _check_target(opportunity: Opportunity, to_stage: Stage, close_reason: str) -> None:
    if to_stage.process_id != opportunity.process_id:
        raise ValidationError({"to_stage": [_("目标阶段不属于此商机的销售流程。")]})
    if not to_stage.active:
        raise ValidationError({"to_stage": [_("目标阶段已停用。")]})
    if to_stage.pk == opportunity.stage_id:
        raise ValidationError({"to_stage": [_("商机已处于该阶段。")]})
    if to_stage.is_closed and close_reason not in CloseReason.values:
        raise ValidationError({"close_reason": [_("关闭商机时必须选择赢单/输单原因。")]})


def _check_reopen(opportunity: Opportunity, to_stage: Stage, actor: User) -> None:
    """A closed deal only goes back to an open stage, and only an administrator sends it there
    (the move is recorded like any other); lost never turns into won directly."""
    if not opportunity.stage.is_closed:
        return
    if to_stage.is_closed:
        raise ValidationError({"to_stage": [_("已关闭的商机请先重新打开到进行中的阶段。")]})
    if not gate_bypass_allowed(actor):
        raise PermissionDenied(_("只有管理员可以重新打开已关闭的商机。"))


@transaction.atomic
def opportunity_move(
    *,
    opportunity: Opportunity,
    to_stage: Stage,
    actor: User,
    version: int,
    channel: str = MoveChannel.FORM,
    bypass_reason: str = "",
    close_reason: str = "",
    close_note: str = "",
) -> StageMove:
    """Move to `to_stage` if every gate on the way is met; otherwise raise `GateRefused`.

    With `bypass_reason`, an administrator moves anyway and the move is kept as a violation.
    Probability follows the stage's default; won/lost set the forecast category and close date.
    """
    if channel != MoveChannel.APPROVAL and not opportunity_can_edit(actor, opportunity):
        raise PermissionDenied(_("只有商机负责人、客户负责人及其上级可以推进商机。"))
    bypass_reason = bypass_reason.strip()
    if bypass_reason and not gate_bypass_allowed(actor):
        raise PermissionDenied(_("只有管理员可以越过阶段关卡。"))
    locked = lock_at_version(Opportunity.objects.all(), pk=opportunity.pk, version=version)
    # Not joined under the lock (see lock_at_version): the caller has usually loaded the same
    # stage row already. Compared by the row's own pk: a copy refreshed by the __dict__ update
    # below keeps its old stage object.
    if opportunity.stage.pk == locked.stage_id:
        locked.stage = opportunity.stage
    _check_target(locked, to_stage, close_reason)
    _check_reopen(locked, to_stage, actor)
    missing = gate_missing(locked, to_stage)
    if missing and not bypass_reason:
        raise GateRefused(missing)
    before = audit_snapshot(locked, MOVE_AUDITED)
    from_stage = locked.stage
    now = timezone.now()
    locked.stage = to_stage
    locked.stage_entered_at = now
    locked.probability = to_stage.default_probability
    locked.forecast_category = _forecast_after(to_stage, locked.forecast_category)
    locked.close_reason = close_reason if to_stage.is_closed else ""
    locked.close_note = close_note.strip() if to_stage.is_closed else ""
    locked.closed_at = now if to_stage.is_closed else None
    save_bumped(
        locked,
        [
            "stage", "stage_entered_at", "probability", "forecast_category", "close_reason",
            "close_note", "closed_at",
        ],
    )  # fmt: skip
    move = StageMove.objects.create(
        opportunity=locked,
        from_stage=from_stage,
        to_stage=to_stage,
        actor=actor,
        owner_id=locked.owner_id,
        channel=channel,
        bypassed=bool(missing),
        bypass_reason=bypass_reason if missing else "",
        missing=[item.as_dict() for item in missing],
    )
    audit_record_changes(instance=locked, before=before, actor=actor)
    if StageKind.WON in (to_stage.kind, from_stage.kind):
        # A signed deal takes the account out of the pool's reach; reopening puts it back.
        placement_refresh_by_id(locked.account_id)
    if missing:
        _notify_violation(locked, move)
    opportunity.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return move


def _notify_violation(opportunity: Opportunity, move: StageMove) -> None:
    from kam.notifications.enums import NotificationKind
    from kam.notifications.services import notify

    owner = opportunity.owner
    notify(
        recipients=[owner, owner.manager],
        kind=NotificationKind.GENERAL,
        title=_("商机“%(name)s”越过了阶段关卡") % {"name": opportunity.name},
        body=move.bypass_reason,
        url=opportunity.get_absolute_url(),
        subject=opportunity,
    )
