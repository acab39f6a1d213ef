"""Writes of pre-sales work (SPEC R-OPP-7): request → approval → dispatch → hours → confirmed
hours. Approvals go through the engine; `kam.presales.approvals` holds what runs when one is
decided."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.audit.services import audit_record_changes, audit_record_creation, audit_snapshot
from kam.core.versioning import lock_at_version, save_bumped
from kam.opportunities.enums import TeamRole
from kam.opportunities.models import Opportunity, OpportunityTeamMember
from kam.opportunities.rules import opportunity_can_edit
from kam.opportunities.services.opportunities import opportunity_team_add
from kam.presales.enums import HoursStatus, PresalesKind, RequestStatus
from kam.presales.models import HoursLog, PresalesAssignment, PresalesRequest
from kam.presales.rates import hours_cost
from kam.presales.rules import (
    presales_can_dispatch,
    presales_can_edit_request,
    presales_can_log,
    presales_can_request,
)
from kam.users.models import User

REQUEST_FIELDS = ["kind", "description", "needed_from", "needed_to", "estimated_hours"]
AUDITED_FIELDS = [*REQUEST_FIELDS, "status"]
HOURS_STEP = Decimal("0.5")
MAX_DAY_HOURS = Decimal(24)
MAX_ESTIMATE = Decimal("99999.5")


def decimal_input(value: Any, *, field: str, label: str) -> Decimal:
    """A Decimal from a Decimal or a string; floats are refused (money and hours stay exact)."""
    if isinstance(value, (bool, float)):
        raise TypeError("Hours and money must be Decimal or str, not float.")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(
            {field: [_("%(label)s不是有效的数字。") % {"label": label}]}
        ) from None
    if not number.is_finite():
        raise ValidationError({field: [_("%(label)s不是有效的数字。") % {"label": label}]})
    return number


def _half_hours(value: Any, *, field: str, label: str, maximum: Decimal) -> Decimal:
    hours = decimal_input(value, field=field, label=label)
    if not Decimal(0) < hours <= maximum:
        raise ValidationError(
            {
                field: [
                    _("%(label)s必须大于 0 且不超过 %(max)s。") % {"label": label, "max": maximum}
                ]
            }
        )
    if hours % HOURS_STEP != 0:
        raise ValidationError({field: [_("%(label)s以 0.5 小时为单位。") % {"label": label}]})
    return hours.quantize(Decimal("0.1"))


def _clean_request(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(REQUEST_FIELDS)
    if unknown:
        raise ValueError(f"not settable: {sorted(unknown)}")
    clean = dict(data)
    errors: dict[str, list[str]] = {}
    if clean.get("kind") not in PresalesKind.values:
        errors["kind"] = [_("请选择有效的支持类型。")]
    clean["description"] = str(clean.get("description") or "").strip()
    if not clean["description"]:
        errors["description"] = [_("请填写需求说明。")]
    start, end = clean.get("needed_from"), clean.get("needed_to")
    if not isinstance(start, date):
        errors["needed_from"] = [_("请输入有效的日期。")]
    if not isinstance(end, date):
        errors["needed_to"] = [_("请输入有效的日期。")]
    elif isinstance(start, date) and end < start:
        errors["needed_to"] = [_("结束日期不能早于开始日期。")]
    try:
        clean["estimated_hours"] = _half_hours(
            clean.get("estimated_hours"),
            field="estimated_hours",
            label=_("预计工时"),
            maximum=MAX_ESTIMATE,
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def presales_request_create(
    *, opportunity: Opportunity, actor: User, data: dict[str, Any], submit: bool = False
) -> PresalesRequest:
    """A draft request for pre-sales support; with `submit` it goes to approval at once."""
    if not presales_can_request(actor, opportunity):
        raise PermissionDenied(_("只有商机负责人、其上级或项目组成员可以申请售前资源。"))
    if opportunity.is_closed:
        raise ValidationError(_("商机已关闭，不能再申请售前资源。"))
    clean = _clean_request(data)
    request = PresalesRequest.objects.create(opportunity=opportunity, requested_by=actor, **clean)
    audit_record_creation(instance=request, fields=AUDITED_FIELDS, actor=actor)
    if submit:
        return presales_request_submit(request=request, actor=actor, version=request.version)
    return request


def _locked(request: PresalesRequest, version: int) -> PresalesRequest:
    return lock_at_version(
        PresalesRequest.objects.select_related("opportunity__account"),
        pk=request.pk,
        version=version,
    )


@transaction.atomic
def presales_request_update(
    *, request: PresalesRequest, actor: User, version: int, changes: dict[str, Any]
) -> PresalesRequest:
    """Edit a draft (or a rejected request before it is submitted again)."""
    if not presales_can_edit_request(actor, request):
        raise PermissionDenied
    locked = _locked(request, version)
    if locked.status not in {RequestStatus.DRAFT, RequestStatus.REJECTED}:
        raise ValidationError(_("只有草稿或被驳回的申请可以修改。"))
    current = {key: getattr(locked, key) for key in REQUEST_FIELDS}
    clean = _clean_request({**current, **changes})
    before = audit_snapshot(locked, AUDITED_FIELDS)
    for key, value in clean.items():
        setattr(locked, key, value)
    save_bumped(locked, list(clean))
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


def approval_type_for(request: PresalesRequest) -> str:
    """A POC is a pre-sales test and has its own approval type."""
    return "presales_test" if request.kind == PresalesKind.POC else "presales_request"


@transaction.atomic
def presales_request_submit(
    *, request: PresalesRequest, actor: User, version: int
) -> PresalesRequest:
    """Send the request to approval; the amount is the estimated cost (hours × rate)."""
    from kam.approvals.services import approval_submit

    if not presales_can_edit_request(actor, request):
        raise PermissionDenied
    locked = _locked(request, version)
    type_code = approval_type_for(locked)
    # A withdrawn approval leaves the request pending with nothing in flight: send it again.
    stuck = locked.status == RequestStatus.PENDING and not _approval_pending(locked)
    if locked.status not in {RequestStatus.DRAFT, RequestStatus.REJECTED} and not stuck:
        raise ValidationError(_("该申请已提交审批。"))
    if locked.opportunity.is_closed:
        raise ValidationError(_("商机已关闭，不能再申请售前资源。"))
    before = audit_snapshot(locked, AUDITED_FIELDS)
    approval_submit(
        type_code=type_code,
        requester=actor,
        title=_("售前资源申请：%(kind)s · %(opp)s")
        % {"kind": locked.get_kind_display(), "opp": locked.opportunity.name},
        subject=locked,
        opportunity=locked.opportunity,
        amount=hours_cost(locked.estimated_hours),
        payload={
            "kind": locked.kind,
            "estimated_hours": str(locked.estimated_hours),
            "needed_from": locked.needed_from.isoformat(),
            "needed_to": locked.needed_to.isoformat(),
        },
    )
    locked.status = RequestStatus.PENDING
    save_bumped(locked, ["status"])
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


def presales_request_decided(*, request_id: int, approved: bool, actor: User) -> None:
    """Run by the approval engine inside its transaction (approve/reject of the request)."""
    locked = PresalesRequest.objects.select_for_update().get(pk=request_id)
    if locked.status != RequestStatus.PENDING:
        return
    before = audit_snapshot(locked, AUDITED_FIELDS)
    locked.status = RequestStatus.APPROVED if approved else RequestStatus.REJECTED
    save_bumped(locked, ["status"])
    audit_record_changes(instance=locked, before=before, actor=actor)


def _join_team(opportunity: Opportunity, user: User, actor: User) -> None:
    """Seat the person on the deal team as 售前支持 so they see the deal and its account.

    The dispatcher may be a manager of the pre-sales line without edit rights on the deal;
    dispatching is itself the permission here, so the seat is created directly, audited."""
    if OpportunityTeamMember.objects.filter(
        opportunity=opportunity, user=user, role=TeamRole.PRESALES
    ).exists():
        return
    if opportunity_can_edit(actor, opportunity):
        opportunity_team_add(
            opportunity=opportunity, actor=actor, user=user, role=TeamRole.PRESALES
        )
        return
    member = OpportunityTeamMember.objects.create(
        opportunity=opportunity, user=user, role=TeamRole.PRESALES
    )
    audit_record_creation(instance=member, fields=["user", "role"], actor=actor)


@transaction.atomic
def presales_dispatch(
    *, request: PresalesRequest, actor: User, version: int, users: Sequence[User]
) -> list[PresalesAssignment]:
    """Assign pre-sales people to an approved (or already dispatched) request."""
    if not presales_can_dispatch(actor):
        raise PermissionDenied(_("只有销售经理、销售总监、总经理或管理员可以派工。"))
    if not users:
        raise ValidationError({"users": [_("请至少选择一位售前人员。")]})
    locked = _locked(request, version)
    if locked.status not in {RequestStatus.APPROVED, RequestStatus.DISPATCHED}:
        raise ValidationError(_("申请获批后才能派工。"))
    taken = set(locked.assignments.values_list("user_id", flat=True))
    created: list[PresalesAssignment] = []
    for user in users:
        if not user.is_active:
            raise ValidationError({"users": [_("%(user)s 已停用。") % {"user": user}]})
        if user.pk in taken:
            raise ValidationError({"users": [_("%(user)s 已派到该申请。") % {"user": user}]})
        taken.add(user.pk)
        assignment = PresalesAssignment.objects.create(request=locked, user=user, assigned_by=actor)
        audit_record_creation(instance=assignment, fields=["user"], actor=actor)
        _join_team(locked.opportunity, user, actor)
        created.append(assignment)
    if locked.status != RequestStatus.DISPATCHED:
        before = audit_snapshot(locked, AUDITED_FIELDS)
        locked.status = RequestStatus.DISPATCHED
        save_bumped(locked, ["status"])
        audit_record_changes(instance=locked, before=before, actor=actor)
    else:
        save_bumped(locked, [])
    _notify_assigned(locked, created, actor)
    return created


def _notify_assigned(
    request: PresalesRequest, assignments: list[PresalesAssignment], actor: User
) -> None:
    from kam.notifications.enums import NotificationKind
    from kam.notifications.services import notify

    notify(
        recipients=[a.user for a in assignments if a.user_id != actor.pk],
        kind=NotificationKind.GENERAL,
        title=_("您被派往售前支持：%(opp)s") % {"opp": request.opportunity.name},
        body=request.description[:200],
        url=request.get_absolute_url(),
        subject=request,
    )


def _approval_pending(request: PresalesRequest) -> bool:
    from kam.approvals.selectors import approval_pending_exists

    return approval_pending_exists(type_code=approval_type_for(request), subject=request)


@transaction.atomic
def presales_request_close(*, request: PresalesRequest, actor: User, version: int) -> None:
    if not presales_can_edit_request(actor, request) and not presales_can_dispatch(actor):
        raise PermissionDenied
    locked = _locked(request, version)
    if locked.status == RequestStatus.CLOSED:
        raise ValidationError(_("该申请已关闭。"))
    if locked.status == RequestStatus.PENDING and _approval_pending(locked):
        raise ValidationError(_("审批中的申请不能关闭，请先撤回审批。"))
    before = audit_snapshot(locked, AUDITED_FIELDS)
    locked.status = RequestStatus.CLOSED
    save_bumped(locked, ["status"])
    audit_record_changes(instance=locked, before=before, actor=actor)


@transaction.atomic
def hours_log_create(
    *,
    assignment: PresalesAssignment,
    actor: User,
    day: date,
    hours: Any,
    description: str,
) -> HoursLog:
    """The assigned person logs hours (0.5-hour steps, at most 24 per entry and per day)."""
    if not presales_can_log(actor, assignment):
        raise PermissionDenied(_("只能为派给自己的售前工作登记工时。"))
    if assignment.request.status != RequestStatus.DISPATCHED:
        raise ValidationError(_("该申请已关闭，不能再登记工时。"))
    if not isinstance(day, date):
        raise ValidationError({"date": [_("请输入有效的日期。")]})
    if day > timezone.localdate():
        raise ValidationError({"date": [_("不能登记未来日期的工时。")]})
    clean_hours = _half_hours(hours, field="hours", label=_("工时"), maximum=MAX_DAY_HOURS)
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": [_("请填写工作内容。")]})
    already = HoursLog.objects.filter(assignment__user_id=actor.pk, date=day).exclude(
        status=HoursStatus.REJECTED
    ).aggregate(total=Sum("hours"))["total"] or Decimal(0)
    if already + clean_hours > MAX_DAY_HOURS:
        raise ValidationError({"hours": [_("同一天登记的工时合计不能超过 24 小时。")]})
    log = HoursLog.objects.create(
        assignment=assignment, date=day, hours=clean_hours, description=description[:300]
    )
    audit_record_creation(instance=log, fields=["date", "hours", "description"], actor=actor)
    return log


def _unsent() -> Q:
    # A withdrawn or returned batch frees its logs to be sent again.
    return Q(approval__isnull=True) | ~Q(approval__status="pending")


@transaction.atomic
def hours_submit(*, assignment: PresalesAssignment, actor: User) -> Any:
    """Send every unconfirmed, unsent log of this assignment for confirmation as one batch
    ("presales_hours", normally the person's manager); returns the Approval."""
    from kam.approvals.services import approval_submit

    if not presales_can_log(actor, assignment):
        raise PermissionDenied(_("只能提交自己的工时。"))
    logs = list(
        HoursLog.objects.select_for_update(of=("self",))
        .filter(_unsent(), assignment=assignment, status=HoursStatus.SUBMITTED)
        .order_by("date", "pk")
    )
    if not logs:
        raise ValidationError(_("没有待提交确认的工时。"))
    total = sum((log.hours for log in logs), Decimal(0))
    request = assignment.request
    approval = approval_submit(
        type_code="presales_hours",
        requester=actor,
        title=_("售前工时确认：%(opp)s（%(hours)s 小时）")
        % {"opp": request.opportunity.name, "hours": total},
        subject=assignment,
        opportunity=request.opportunity,
        amount=hours_cost(total),
        payload={
            "log_ids": [log.pk for log in logs],
            "hours": str(total),
            "dates": [logs[0].date.isoformat(), logs[-1].date.isoformat()],
        },
    )
    HoursLog.objects.filter(pk__in=[log.pk for log in logs]).update(approval=approval)
    return approval


def hours_decided(*, approval: Any, approved: bool, actor: User) -> int:
    """Run by the approval engine: confirm (or reject) exactly the logs of the batch."""
    ids = [int(pk) for pk in approval.payload.get("log_ids", [])]
    logs = HoursLog.objects.filter(
        pk__in=ids, approval_id=approval.pk, status=HoursStatus.SUBMITTED
    )
    if approved:
        return logs.update(
            status=HoursStatus.APPROVED, approved_by=actor, approved_at=timezone.now()
        )
    return logs.update(status=HoursStatus.REJECTED)
