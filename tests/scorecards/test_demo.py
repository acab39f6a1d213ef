"""The demo's capability assessments: three months per demo rep, replaced on reload."""

from datetime import date

from kam.demo.loader_scorecards import MONTHS_BACK, demo_scorecards_build
from kam.scorecards.models import CapabilityAssessment
from tests.factories import UserFactory


def test_demo_assessments_per_rep_by_their_manager(rep, colleague, manager, other_rep,
                                                    other_manager):  # fmt: skip
    users = {"rep1": rep, "rep2": colleague, "rep3": other_rep,
             "rep4": UserFactory(manager=other_manager), "manager1": manager,
             "manager2": other_manager}  # fmt: skip
    written = demo_scorecards_build(users=users, today=date(2026, 11, 24), seed=7)
    assert written == 4 * MONTHS_BACK == CapabilityAssessment.objects.count()
    assert set(CapabilityAssessment.objects.filter(rep=rep).values_list("assessor", flat=True)) == {
        manager.pk
    }
    assert all(1 <= score <= 5 for a in CapabilityAssessment.objects.all() for score in a.scores)
    demo_scorecards_build(users=users, today=date(2026, 11, 24), seed=7)
    assert CapabilityAssessment.objects.count() == written
