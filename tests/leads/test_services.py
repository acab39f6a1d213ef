"""Lead writes: create, edit with versions, follow-ups, disqualify, and conversion gated on BANT."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kam.accounts.models import Account
from kam.audit.models import FieldChange
from kam.leads.models import Lead, LeadFollowUp
from kam.leads.services.conversion import BantIncomplete, lead_convert
from kam.leads.services.leads import (
    lead_create,
    lead_disqualify,
    lead_follow_up_add,
    lead_update,
)
from kam.opportunities.models import Opportunity
from tests.factories import AccountFactory
from tests.leads.conftest import NEW_ACCOUNT


def test_create_sets_owner_team_and_audit(rep):
    lead = lead_create(actor=rep, data={"company_name": " 咸阳电子 ", "source": "event"})
    assert (lead.owner, lead.team, lead.company_name, lead.status) == (
        rep, rep.team, "咸阳电子", "new"
    )  # fmt: skip
    assert FieldChange.objects.filter(object_id=lead.pk).exists()


def test_create_names_the_bad_fields_and_saves_nothing(rep, other_rep):
    with pytest.raises(ValidationError) as error:
        lead_create(actor=rep, data={"company_name": "", "source": "x", "budget": "maybe"})
    assert set(error.value.message_dict) == {"company_name", "source", "budget"}
    with pytest.raises(ValidationError) as error:
        lead_create(actor=rep, data={"company_name": "甲", "source": "event", "owner": other_rep})
    assert "owner" in error.value.message_dict
    assert not Lead.objects.exists()


def test_update_is_versioned(rep, rep_lead):
    updated = lead_update(lead=rep_lead, actor=rep, version=0, changes={"budget": "confirmed"})
    assert (updated.budget, updated.version, updated.status) == ("confirmed", 1, "working")
    with pytest.raises(ValidationError, match="已被他人修改"):
        lead_update(lead=rep_lead, actor=rep, version=0, changes={"need": "confirmed"})
    rep_lead.refresh_from_db()
    assert rep_lead.need == "unknown"


def test_only_the_owner_line_edits(rep_lead, colleague, manager, other_manager):
    with pytest.raises(PermissionDenied):
        lead_update(lead=rep_lead, actor=colleague, version=0, changes={"phone": "1"})
    with pytest.raises(PermissionDenied):
        lead_update(lead=rep_lead, actor=other_manager, version=0, changes={"phone": "1"})
    assert lead_update(lead=rep_lead, actor=manager, version=0, changes={"phone": "1"}).phone == "1"


def test_follow_up_and_disqualify(rep, rep_lead):
    lead_follow_up_add(lead=rep_lead, actor=rep, kind="visit", content="现场拜访", next_step="报价")
    rep_lead.refresh_from_db()
    assert rep_lead.status == "working" and rep_lead.version == 1
    with pytest.raises(ValidationError) as error:
        lead_follow_up_add(lead=rep_lead, actor=rep, kind="fax", content=" ")
    assert set(error.value.message_dict) == {"kind", "content"}
    with pytest.raises(ValidationError) as error:
        lead_disqualify(lead=rep_lead, actor=rep, version=1, reason="")
    assert "reason" in error.value.message_dict
    closed = lead_disqualify(lead=rep_lead, actor=rep, version=1, reason="无预算")
    assert (closed.status, closed.disqualify_reason) == ("disqualified", "无预算")
    with pytest.raises(ValidationError):
        lead_update(lead=closed, actor=rep, version=closed.version, changes={"phone": "1"})


def test_conversion_refused_with_the_exact_missing_list(rep, rep_lead):
    lead_update(lead=rep_lead, actor=rep, version=0,
                changes={"authority": "confirmed", "need": "not_met"})  # fmt: skip
    with pytest.raises(BantIncomplete) as error:
        lead_convert(lead=rep_lead, actor=rep, version=1, data=NEW_ACCOUNT)
    assert error.value.missing == ["budget", "need", "timeline"]
    assert list(error.value.message_dict) == ["budget", "need", "timeline"]
    assert "不满足" in error.value.message_dict["need"][0]
    assert not Opportunity.objects.exists() and not Account.objects.exists()
    rep_lead.refresh_from_db()
    assert rep_lead.status == "working"


def test_conversion_creates_account_and_opportunity_and_links_them(rep, qualified_lead):
    LeadFollowUp.objects.create(lead=qualified_lead, actor=rep, kind="call", content="沟通",
                                at=qualified_lead.created_at)  # fmt: skip
    deal = lead_convert(
        lead=qualified_lead, actor=rep, version=0,
        data={**NEW_ACCOUNT, "name": "产线升级", "expected_sign_date": "2027-03-01"},
    )  # fmt: skip
    account = Account.objects.get()
    assert (account.name, account.owner) == ("宝鸡重工有限公司", rep)
    assert (deal.account, deal.owner, deal.name, deal.intent_class) == (
        account, rep, "产线升级", "B"
    )  # fmt: skip
    assert deal.expected_sign_date == date(2027, 3, 1)
    qualified_lead.refresh_from_db()
    lead = qualified_lead
    assert (lead.status, lead.account, lead.converted_opportunity) == ("converted", account, deal)
    assert qualified_lead.converted_at is not None and qualified_lead.follow_ups.count() == 1
    with pytest.raises(ValidationError):
        lead_convert(lead=qualified_lead, actor=rep, version=qualified_lead.version, data={})


def test_conversion_links_an_existing_visible_account(rep, other_rep, qualified_lead):
    mine = AccountFactory(owner=rep)
    theirs = AccountFactory(owner=other_rep)
    with pytest.raises(ValidationError) as error:
        lead_convert(lead=qualified_lead, actor=rep, version=0, data={"account": theirs.pk})
    assert "account" in error.value.message_dict
    deal = lead_convert(lead=qualified_lead, actor=rep, version=0, data={"account": mine.pk})
    assert deal.account == mine and deal.name == "宝鸡重工有限公司"
    assert Account.objects.count() == 2


def test_new_account_needs_its_required_fields(rep, qualified_lead):
    with pytest.raises(ValidationError) as error:
        lead_convert(lead=qualified_lead, actor=rep, version=0, data={"industry": "x"})
    assert set(error.value.message_dict) == {"industry", "province", "level"}
    assert not Opportunity.objects.exists()


def test_conversion_is_versioned(rep, qualified_lead):
    with pytest.raises(ValidationError, match="已被他人修改"):
        lead_convert(lead=qualified_lead, actor=rep, version=3, data=NEW_ACCOUNT)
    assert not Opportunity.objects.exists()


def test_conversion_under_an_account_the_actor_cannot_edit_is_refused(rep, qualified_lead):
    pool = AccountFactory(owner=None)
    with pytest.raises(ValidationError) as error:
        lead_convert(lead=qualified_lead, actor=rep, version=0, data={"account": pool.pk})
    assert "account" in error.value.message_dict
    assert not Opportunity.objects.exists()
