"""Capability assessments: who may assess, what is valid, history kept."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kam.audit.models import FieldChange
from kam.scorecards.models import CapabilityAssessment
from kam.scorecards.services import capability_assess

SCORES = {"relationship": 4, "solution": 3, "delivery_service": 5, "resource_coordination": 2}


def test_manager_assesses_and_history_is_kept(rep, manager, director):
    first = capability_assess(rep=rep, actor=manager, assessed_on=date(2026, 10, 1),
                              data={**SCORES, "solution_note": " 方案讲解清楚 "})  # fmt: skip
    second = capability_assess(rep=rep, actor=director, assessed_on=None, data=SCORES)
    assert first.solution_note == "方案讲解清楚"
    assert list(CapabilityAssessment.objects.filter(rep=rep)) == [second, first]
    assert FieldChange.objects.filter(object_id=first.pk, field="relationship").exists()


@pytest.mark.parametrize("who", ["rep", "colleague", "other_manager", "finance"])
def test_others_may_not_assess(request, who, rep):
    with pytest.raises(PermissionDenied):
        capability_assess(rep=rep, actor=request.getfixturevalue(who), assessed_on=None,
                          data=SCORES)  # fmt: skip


def test_scores_are_validated(rep, manager):
    later = timezone.localdate() + timedelta(days=5)
    with pytest.raises(ValidationError) as caught:
        capability_assess(rep=rep, actor=manager, assessed_on=later,
                          data={**SCORES, "solution": 6, "relationship": 0})  # fmt: skip
    assert set(caught.value.message_dict) == {"solution", "relationship", "assessed_on"}
    assert not CapabilityAssessment.objects.exists()
