"""What moving a deal one stage forward costs in queries, posted as the benchmark posts it
(bench/writes.py: a gate of account-manager attestations, ticked), and that the cost does not
grow with the deal's team, its history or the attestations of the gate."""

import pytest
from django.urls import reverse

from kam.opportunities.enums import TeamRole
from kam.opportunities.models import Opportunity, OpportunityTeamMember, StageAttestation
from kam.opportunities.services.moves import opportunity_move
from kam.opportunities.services.opportunities import opportunity_attest, opportunity_create
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Session, user (with the reports-to walk), the visible deal (with its stage), the move's
# targets; the deal locked; the stages passed, then their attestations each marked ticked or
# not; the deal's update, the stage move and its history; and SAVEPOINT, RELEASE: the test's
# transaction nests the service's.
MOVE_QUERIES = 12


@pytest.mark.parametrize("rows", [1, 20])
def test_move_queries_do_not_grow_with_rows(
    rep, rep_account, team_one, gated_process, product, rows, django_assert_max_num_queries
):
    process, stages = gated_process
    deal = opportunity_create(
        account=rep_account, actor=rep, process=process, data={"name": "数据中心项目"},
        lines=[{"product": product.pk, "quantity": "2"}],
    )  # fmt: skip
    Opportunity.objects.filter(pk=deal.pk).update(stage=stages["bid"])
    OpportunityTeamMember.objects.bulk_create(
        OpportunityTeamMember(opportunity=deal, user=UserFactory(team=team_one), role=role)
        for role in [TeamRole.SOLUTION_MANAGER] * rows
    )
    deal.refresh_from_db()
    for number in range(rows):
        attestation = StageAttestation.objects.create(
            stage=stages["bid"], label_zh=f"确认{number}", role=TeamRole.ACCOUNT_MANAGER
        )
        opportunity_attest(opportunity=deal, attestation=attestation, actor=rep)
    for _ in range(rows):  # history: back and forth
        deal.refresh_from_db()
        opportunity_move(
            opportunity=deal, to_stage=stages["negotiate"], actor=rep, version=deal.version
        )
        opportunity_move(opportunity=deal, to_stage=stages["bid"], actor=rep, version=deal.version)
    deal.refresh_from_db()
    form = {
        "version": str(deal.version), "to_stage": str(stages["negotiate"].pk),
        "close_reason": "", "close_note": "",
    }  # fmt: skip
    client = client_for(rep)

    with django_assert_max_num_queries(MOVE_QUERIES):
        response = client.post(reverse("opportunities:move", args=[deal.pk]), form)

    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.stage == stages["negotiate"] and deal.version == 2 * rows + 1
