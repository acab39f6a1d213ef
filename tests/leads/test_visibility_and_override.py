"""Who sees a lead, and the approval path for converting one with incomplete BANT."""

import pytest
from django.core.exceptions import ValidationError

from kam.approvals.enums import ApprovalStatus
from kam.approvals.services import approval_approve, approval_reject
from kam.leads.selectors import lead_list, leads_visible_to
from kam.leads.services.override import lead_convert_override_request
from kam.opportunities.models import Opportunity
from tests.factories import AccountFactory, LeadFactory
from tests.leads.conftest import NEW_ACCOUNT


@pytest.fixture
def leads(rep, other_rep):
    return {
        "mine": LeadFactory(owner=rep),
        "theirs": LeadFactory(owner=other_rep),
        # A lead on rep's account follows the account, whoever logged it.
        "on_my_account": LeadFactory(owner=other_rep, account=AccountFactory(owner=rep)),
    }


def _seen(user):
    return set(leads_visible_to(user).values_list("pk", flat=True))


def test_visibility(leads, rep, colleague, manager, other_rep, other_manager, gm, director):
    ids = {key: lead.pk for key, lead in leads.items()}
    assert _seen(rep) == {ids["mine"], ids["on_my_account"]}
    assert _seen(manager) == {ids["mine"], ids["on_my_account"]}
    assert _seen(colleague) == set()
    assert _seen(other_rep) == {ids["theirs"]}
    assert _seen(other_manager) == {ids["theirs"]}
    assert _seen(director) == set(ids.values())
    assert _seen(gm) == set(ids.values())


def test_list_filters(rep, leads):
    LeadFactory(owner=rep, status="working", intent_class="A", source="event")
    assert lead_list(rep, {"status": "working"}).count() == 1
    assert lead_list(rep, {"intent_class": "A", "source": "event"}).count() == 1
    assert lead_list(rep, {"owner": str(rep.pk)}).count() == 2
    assert lead_list(rep, {"bogus": "1"}).count() == 3


def _approve_all(approval):
    while True:
        approval.refresh_from_db()
        if approval.status != ApprovalStatus.PENDING:
            return
        step = approval.steps.get(status="pending")
        approval_approve(approval=approval, actor=step.approver, version=approval.version)


def test_override_converts_on_final_approval(rep, rep_lead):
    approval = lead_convert_override_request(
        lead=rep_lead, actor=rep, version=0, reason="客户高层已口头承诺",
        data={**NEW_ACCOUNT, "name": "新材料产线"},
    )  # fmt: skip
    assert approval.payload["missing"] == ["budget", "authority", "need", "timeline"]
    assert not Opportunity.objects.exists()
    with pytest.raises(ValidationError):  # one pending request per lead
        lead_convert_override_request(
            lead=rep_lead, actor=rep, version=0, reason="再次", data=NEW_ACCOUNT
        )

    _approve_all(approval)

    deal = Opportunity.objects.get()
    rep_lead.refresh_from_db()
    assert (deal.name, deal.owner, deal.intent_class) == ("新材料产线", rep, "A")
    assert (rep_lead.status, rep_lead.converted_opportunity) == ("converted", deal)
    approval.refresh_from_db()
    assert (approval.status, approval.opportunity, approval.account) == (
        "approved", deal, deal.account
    )  # fmt: skip


def test_rejected_override_changes_nothing(rep, rep_lead):
    approval = lead_convert_override_request(
        lead=rep_lead, actor=rep, version=0, reason="理由", data=NEW_ACCOUNT
    )
    step = approval.steps.get(status="pending")
    approval_reject(approval=approval, actor=step.approver, version=approval.version, comment="否")
    rep_lead.refresh_from_db()
    assert rep_lead.status == "new" and not Opportunity.objects.exists()


def test_override_not_needed_or_without_reason(rep, qualified_lead, rep_lead):
    with pytest.raises(ValidationError, match="无需特批"):
        lead_convert_override_request(
            lead=qualified_lead, actor=rep, version=0, reason="x", data=NEW_ACCOUNT
        )
    with pytest.raises(ValidationError) as error:
        lead_convert_override_request(lead=rep_lead, actor=rep, version=0, reason=" ", data={})
    assert "reason" in error.value.message_dict


def test_override_request_checks_the_account_input_up_front(rep, rep_lead):
    with pytest.raises(ValidationError) as error:
        lead_convert_override_request(lead=rep_lead, actor=rep, version=0, reason="x", data={})
    assert set(error.value.message_dict) == {"industry", "province", "level"}
