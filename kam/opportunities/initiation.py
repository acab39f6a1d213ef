"""The initiation report (立项报告, SPEC R-OPP-4) and the "initiation" approval type.

The report is filled by the deal's editors and submitted for approval; the final approval marks
it approved and, while the deal still sits in the stage whose gate asks for "initiation", moves
the deal on through the one move service (channel approval, actor = the final approver).
"""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.audit.services import audit_record_changes, audit_record_creation, audit_snapshot
from kam.core.versioning import lock_at_version, stale_record_error
from kam.opportunities.enums import MoveChannel, ProjectClass, StageKind
from kam.opportunities.gates import Missing, gate_missing
from kam.opportunities.models import (
    InitiationReport,
    InitiationStatus,
    Opportunity,
    Stage,
)
from kam.opportunities.rules import opportunity_can_edit
from kam.users.models import User

if TYPE_CHECKING:
    from kam.approvals.models import Approval

TYPE_CODE = "initiation"
REPORT_FIELDS = [
    "project_name", "project_number", "customer_lead", "contract_amount", "gross_margin_rate",
    "expense_budget", "project_class", "expected_sign_date", "background",
]  # fmt: skip
AUDITED_FIELDS = [*REPORT_FIELDS, "status"]
MONEY_MAX = Decimal("99999999999999.99")
FEN = Decimal("0.01")


# ---- reads -----------------------------------------------------------------------------------


def initiation_report_for(opportunity: Opportunity) -> InitiationReport | None:
    """The deal's report, or None before the first save."""
    return InitiationReport.objects.filter(opportunity=opportunity).first()


def initiation_latest_approval(report: InitiationReport) -> "Approval | None":
    from kam.approvals.models import Approval

    return (
        Approval.objects.filter(
            type_code=TYPE_CODE,
            subject_type=ContentType.objects.get_for_model(InitiationReport),
            subject_id=report.pk,
        )
        .order_by("-submitted_at", "-pk")
        .first()
    )


def initiation_initial(opportunity: Opportunity) -> dict[str, Any]:
    """What a new report starts from: the deal's own figures."""
    return {
        "project_name": opportunity.name,
        "project_number": opportunity.number or "",
        "customer_lead": opportunity.customer_lead,
        "contract_amount": opportunity.amount,
        "gross_margin_rate": Decimal("0.00"),
        "expense_budget": Decimal("0.00"),
        "project_class": opportunity.project_class,
        "expected_sign_date": opportunity.expected_sign_date,
        "background": opportunity.description,
    }


def initiation_snapshot(report: InitiationReport) -> dict[str, Any]:
    """The JSON-safe copy kept on the approval: what the approvers decided on."""
    return {
        "opportunity_id": report.opportunity_id,
        "project_name": report.project_name,
        "project_number": report.project_number,
        "customer_lead": report.customer_lead,
        "contract_amount": f"{report.contract_amount:.2f}",
        "gross_margin_rate": f"{report.gross_margin_rate:.2f}",
        "expense_budget": f"{report.expense_budget:.2f}",
        "project_class": report.project_class,
        "expected_sign_date": (
            report.expected_sign_date.isoformat() if report.expected_sign_date else None
        ),
        "background": report.background,
    }


# ---- validation ------------------------------------------------------------------------------


def _decimal(data: dict[str, Any], key: str, errors: dict[str, list[str]]) -> Decimal | None:
    value = data.get(key)
    if isinstance(value, (bool, float)):
        raise TypeError("Money and rates must be Decimal or str, not float.")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        errors[key] = [_("请输入有效的数字。")]
        return None
    if not number.is_finite():
        errors[key] = [_("请输入有效的数字。")]
        return None
    if number != number.quantize(FEN):
        errors[key] = [_("最多保留 2 位小数。")]
        return None
    return number.quantize(FEN)


def initiation_clean(data: dict[str, Any]) -> dict[str, Any]:
    """Validate every report field; all errors at once, each naming its field."""
    unknown = set(data) - set(REPORT_FIELDS)
    if unknown:
        raise ValueError(f"not settable: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for key in ("project_name", "project_number", "customer_lead", "background"):
        clean[key] = str(data.get(key) or "").strip()
    if not clean["project_name"]:
        errors["project_name"] = [_("请填写项目名称。")]
    if not clean["project_number"]:
        errors["project_number"] = [_("请填写项目编号。")]
    clean["project_name"] = clean["project_name"][:200]
    clean["project_number"] = clean["project_number"][:30]
    clean["customer_lead"] = clean["customer_lead"][:100]
    for key in ("contract_amount", "expense_budget"):
        amount = _decimal(data, key, errors)
        if amount is not None and not Decimal(0) <= amount <= MONEY_MAX:
            errors[key] = [_("金额不能为负数。")]
        clean[key] = amount
    rate = _decimal(data, "gross_margin_rate", errors)
    if rate is not None and not Decimal(-100) <= rate <= Decimal(100):
        errors["gross_margin_rate"] = [_("毛利率必须在 -100 到 100 之间。")]
    clean["gross_margin_rate"] = rate
    project_class = data.get("project_class") or ""
    if project_class not in ["", *ProjectClass.values]:
        errors["project_class"] = [_("请选择有效的选项。")]
    clean["project_class"] = project_class
    sign_date = data.get("expected_sign_date")
    if sign_date is not None and not isinstance(sign_date, date):
        errors["expected_sign_date"] = [_("请输入有效的日期。")]
    clean["expected_sign_date"] = sign_date
    if errors:
        raise ValidationError(errors)
    return clean


# ---- writes ----------------------------------------------------------------------------------


def _require_edit(actor: User, opportunity: Opportunity) -> None:
    if not opportunity_can_edit(actor, opportunity):
        raise PermissionDenied(_("只有商机负责人、客户负责人及其上级可以填写立项报告。"))


def _require_editable(report: InitiationReport) -> None:
    if not report.editable:
        raise ValidationError(
            _("立项报告%(status)s，不能修改。") % {"status": report.get_status_display()},
            code="not_editable",
        )


@transaction.atomic
def initiation_report_save(
    *, opportunity: Opportunity, actor: User, version: int, data: dict[str, Any]
) -> InitiationReport:
    """Create the report (version 0) or change it at `version`; only while draft or returned."""
    _require_edit(actor, opportunity)
    if opportunity.is_closed:
        raise ValidationError(_("商机已关闭，不能再修改。"))
    clean = initiation_clean(data)
    existing = InitiationReport.objects.filter(opportunity=opportunity).first()
    if existing is None:
        if version != 0:
            raise stale_record_error(field="version")
        # Version 0 means "no report yet", so a second create from a stale page is refused.
        report = InitiationReport.objects.create(
            opportunity=opportunity, created_by=actor, version=1, **clean
        )
        audit_record_creation(instance=report, fields=AUDITED_FIELDS, actor=actor)
        return report
    locked = lock_at_version(
        InitiationReport.objects.all(), pk=existing.pk, version=version, field="version"
    )
    _require_editable(locked)
    before = audit_snapshot(locked, AUDITED_FIELDS)
    for key, value in clean.items():
        setattr(locked, key, value)
    locked.version = F("version") + 1
    locked.save(update_fields=[*clean, "version", "updated_at"])
    locked.refresh_from_db()
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


@transaction.atomic
def initiation_submit(*, report: InitiationReport, actor: User, version: int) -> "Approval":
    """Send the report for the "initiation" approval; a returned one goes round again."""
    from kam.approvals.enums import ApprovalStatus
    from kam.approvals.services import approval_resubmit, approval_submit

    opportunity = report.opportunity
    _require_edit(actor, opportunity)
    if opportunity.is_closed:
        raise ValidationError(_("商机已关闭，不能再提交立项。"))
    locked = lock_at_version(
        InitiationReport.objects.all(), pk=report.pk, version=version, field="version"
    )
    _require_editable(locked)
    before = audit_snapshot(locked, AUDITED_FIELDS)
    title = _("立项审批：%(name)s") % {"name": locked.project_name}
    previous = initiation_latest_approval(locked)
    if (
        previous is not None
        and previous.status == ApprovalStatus.RETURNED
        and previous.requester_id == actor.pk
    ):
        approval = approval_resubmit(
            approval=previous, actor=actor, version=previous.version, title=title,
            amount=locked.contract_amount, payload=initiation_snapshot(locked),
        )  # fmt: skip
    else:
        approval = approval_submit(
            type_code=TYPE_CODE, requester=actor, title=title, subject=locked,
            account=opportunity.account, opportunity=opportunity,
            amount=locked.contract_amount, payload=initiation_snapshot(locked),
        )  # fmt: skip
    locked.status = InitiationStatus.SUBMITTED
    locked.submitted_by = actor
    locked.submitted_at = timezone.now()
    locked.version = F("version") + 1
    locked.save(update_fields=["status", "submitted_by", "submitted_at", "version", "updated_at"])
    locked.refresh_from_db()
    audit_record_changes(instance=locked, before=before, actor=actor)
    report.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return approval


def _set_status(report: InitiationReport, status: str, actor: User | None) -> None:
    before = audit_snapshot(report, AUDITED_FIELDS)
    report.status = status
    report.version = F("version") + 1
    report.save(update_fields=["status", "version", "updated_at"])
    report.refresh_from_db()
    audit_record_changes(instance=report, before=before, actor=actor)


# ---- the approval type -----------------------------------------------------------------------


def _report_of(approval: "Approval") -> InitiationReport | None:
    queryset = InitiationReport.objects.select_for_update()
    if approval.subject_id is not None:
        return queryset.filter(pk=approval.subject_id).first()
    if approval.opportunity_id is None:
        return None
    return queryset.filter(opportunity_id=approval.opportunity_id).first()


def _next_open_stage(opportunity: Opportunity) -> Stage | None:
    return (
        Stage.objects.filter(
            process_id=opportunity.process_id,
            kind=StageKind.OPEN,
            active=True,
            order__gt=opportunity.stage.order,
        )
        .order_by("order")
        .first()
    )


def _notify_still_missing(opportunity: Opportunity, missing: list[Missing]) -> None:
    from kam.notifications.enums import NotificationKind
    from kam.notifications.services import notify

    notify(
        recipients=[opportunity.owner],
        kind=NotificationKind.GENERAL,
        title=_("立项已通过，但商机“%(name)s”还不能进入下一阶段") % {"name": opportunity.name},
        body=_("还缺少：") + "；".join(str(item) for item in missing),
        url=opportunity.get_absolute_url(),
        subject=opportunity,
    )


def initiation_apply(approval: "Approval", actor: User) -> None:
    """Final approval: the report is approved; the deal moves on if nothing else is missing.
    A deal that still lacks something keeps its stage and the owner is told what."""
    from kam.opportunities.services.moves import GateRefused, opportunity_move

    report = _report_of(approval)
    if report is not None and report.status != InitiationStatus.APPROVED:
        _set_status(report, InitiationStatus.APPROVED, actor)
    if approval.opportunity_id is None:
        return
    opportunity = (
        Opportunity.objects.select_related("stage", "owner", "account")
        .filter(pk=approval.opportunity_id)
        .first()
    )
    if opportunity is None or opportunity.is_closed:
        return
    stage = opportunity.stage
    if stage.kind != StageKind.OPEN or TYPE_CODE not in (stage.required_approvals or []):
        return
    target = _next_open_stage(opportunity)
    if target is None:
        return
    missing = gate_missing(opportunity, target)
    if missing:
        _notify_still_missing(opportunity, missing)
        return
    try:
        # A savepoint: a refused move must not poison the approving transaction.
        with transaction.atomic():
            opportunity_move(
                opportunity=opportunity, to_stage=target, actor=actor,
                version=opportunity.version, channel=MoveChannel.APPROVAL,
            )  # fmt: skip
    except GateRefused as refused:
        _notify_still_missing(opportunity, refused.missing)


def initiation_on_rejected(approval: "Approval", actor: User) -> None:
    from kam.approvals.enums import ApprovalStatus

    report = _report_of(approval)
    if report is None:
        return
    status = (
        InitiationStatus.REJECTED
        if approval.status == ApprovalStatus.REJECTED
        else InitiationStatus.RETURNED
    )
    if report.status != status:
        _set_status(report, status, actor)


def initiation_type_register() -> None:
    """Re-register "initiation" with its apply; called from the app's ready()."""
    from kam.approvals.registry import ApprovalType, approval_type_register
    from kam.approvals.types import AMOUNT_CHAIN

    approval_type_register(
        ApprovalType(
            code=TYPE_CODE,
            label=gettext_lazy("立项审批"),
            default_chain=AMOUNT_CHAIN,
            apply=initiation_apply,
            on_rejected=initiation_on_rejected,
            on_sent_back=initiation_on_rejected,
            has_amount=True,
        )
    )
