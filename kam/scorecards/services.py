"""Writes for scorecards: a manager records a capability assessment (SPEC R-REV-5)."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kam.audit.services import audit_record_creation
from kam.scorecards.models import SCORE_FIELDS, CapabilityAssessment
from kam.scorecards.rules import scorecard_can_assess
from kam.scorecards.selectors import user_zone
from kam.users.models import User


def _today_for(user: User) -> date:
    return datetime.now(user_zone(user)).date()


@transaction.atomic
def capability_assess(
    *, rep: User, actor: User, assessed_on: date | None, data: dict[str, Any]
) -> CapabilityAssessment:
    """A new assessment; earlier ones stay as the history. `data` holds the four scores (1–5)
    and their optional notes (`<capability>_note`)."""
    if not scorecard_can_assess(actor, rep):
        raise PermissionDenied(_("只有该客户经理的上级、总经理或管理员可以评估。"))
    errors: dict[str, list[str]] = {}
    scores: dict[str, int] = {}
    for name in SCORE_FIELDS:
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            errors[name] = [_("请打 1 到 5 分。")]
        else:
            scores[name] = value
    day = assessed_on or _today_for(actor)
    if day > _today_for(actor):
        errors["assessed_on"] = [_("评估日期不能晚于今天。")]
    if errors:
        raise ValidationError(errors)
    notes = {f"{name}_note": str(data.get(f"{name}_note") or "").strip() for name in SCORE_FIELDS}
    assessment = CapabilityAssessment.objects.create(
        rep=rep, assessor=actor, assessed_on=day, **scores, **notes
    )
    audit_record_creation(instance=assessment, fields=[*SCORE_FIELDS, "assessed_on"], actor=actor)
    return assessment
