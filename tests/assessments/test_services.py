"""Writes: the assessment, the deal's decision chain and the action plan."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kam.assessments.models import ActionItem, Assessment, DealContact
from kam.assessments.services import (
    action_item_complete,
    action_item_create,
    action_item_update,
    assessment_save,
    deal_contact_add,
    deal_contact_update,
    deal_contacts_add_key_people,
)
from kam.audit.models import FieldChange
from kam.core.versioning import STALE_MESSAGE
from kam.notifications.models import Notification
from tests.factories import AccountFactory, ActionItemFactory, ContactFactory, DealContactFactory

FOUR = {"real_score": 4, "compete_score": 3, "win_score": 3, "worth_score": 5}


def test_assessment_created_then_versioned(opp, rep):
    first = assessment_save(opportunity=opp, actor=rep, version=0, data={"real_score": 4})
    assert first.version == 1 and first.total_score is None and not first.is_complete
    second = assessment_save(
        opportunity=opp,
        actor=rep,
        version=1,
        data={**FOUR, "win_note": "技术领先", "competitive_strategy": "对华为：强调本地服务。"},
    )
    assert second.version == 2 and second.total_score == 15 and second.is_complete
    assert second.updated_by == rep
    assert Assessment.objects.get().competitive_strategy == "对华为：强调本地服务。"
    assert FieldChange.objects.filter(field="win_score", new_value="3").exists()


def test_assessment_stale_version_refused(opp, rep, manager):
    assessment_save(opportunity=opp, actor=rep, version=0, data={"real_score": 4})
    assessment_save(opportunity=opp, actor=manager, version=1, data={"real_score": 5})
    with pytest.raises(ValidationError) as caught:
        assessment_save(opportunity=opp, actor=rep, version=1, data={"real_score": 2})
    assert caught.value.message_dict == {"version": [str(STALE_MESSAGE)]}
    assert Assessment.objects.get().real_score == 5
    # Creating again from version 0 is a conflict too, not a second assessment.
    with pytest.raises(ValidationError):
        assessment_save(opportunity=opp, actor=rep, version=0, data={})


@pytest.mark.parametrize("bad", [0, 6, True, "3", 2.0])
def test_assessment_scores_must_be_1_to_5(opp, rep, bad):
    with pytest.raises(ValidationError) as caught:
        assessment_save(opportunity=opp, actor=rep, version=0, data={"win_score": bad})
    assert "win_score" in caught.value.message_dict
    assert not Assessment.objects.exists()


def test_assessment_only_for_editors(opp, team_member, other_rep):
    for user in (team_member, other_rep):
        with pytest.raises(PermissionDenied):
            assessment_save(opportunity=opp, actor=user, version=0, data=FOUR)


def test_deal_contact_starts_from_account_values(opp, rep):
    contact = ContactFactory(
        account=opp.account, decision_role="technical", influence="high", attitude="supporter",
        solution_acceptance=4, price_acceptance=2, closeness=5,
    )  # fmt: skip
    row = deal_contact_add(opportunity=opp, contact=contact, actor=rep)
    assert (row.role_in_deal, row.influence, row.attitude) == ("technical", "high", "supporter")
    assert (row.solution_acceptance, row.price_acceptance) == (4, 2)
    # Per deal from now on: the account-level person is untouched.
    deal_contact_update(
        deal_contact=row, actor=rep, version=0,
        data={"attitude": "opponent", "price_acceptance": 1, "relationship_strategy": "多沟通"},
    )  # fmt: skip
    contact.refresh_from_db()
    assert contact.attitude == "supporter" and contact.price_acceptance == 2
    row.refresh_from_db()
    assert row.attitude == "opponent" and row.version == 1
    assert row.relationship_strategy == "多沟通"
    with pytest.raises(ValidationError) as caught:
        deal_contact_add(opportunity=opp, contact=contact, actor=rep)
    assert "contact" in caught.value.message_dict


def test_deal_contact_must_belong_to_the_account(opp, rep):
    stranger = ContactFactory(account=AccountFactory(owner=rep))
    with pytest.raises(ValidationError) as caught:
        deal_contact_add(opportunity=opp, contact=stranger, actor=rep)
    assert "contact" in caught.value.message_dict
    gone = ContactFactory(account=opp.account, status="left")
    with pytest.raises(ValidationError):
        deal_contact_add(opportunity=opp, contact=gone, actor=rep)
    assert not DealContact.objects.exists()


def test_add_all_key_people(opp, rep):
    ContactFactory(
        account=opp.account, name="甲", decision_role="decision_maker", price_acceptance=4
    )
    ContactFactory(account=opp.account, name="乙", influence="low")
    ContactFactory(account=opp.account, name="丙", status="left")
    already = DealContactFactory(
        opportunity=opp, contact=ContactFactory(account=opp.account, name="丁")
    )
    rows = deal_contacts_add_key_people(opportunity=opp, actor=rep)
    assert sorted(r.contact.name for r in rows) == ["乙", "甲"]
    chain = {r.contact.name: r for r in DealContact.objects.filter(opportunity=opp)}
    assert set(chain) == {"甲", "乙", "丁"}
    assert chain["甲"].role_in_deal == "decision_maker" and chain["甲"].price_acceptance == 4
    assert chain["丁"].pk == already.pk
    assert deal_contacts_add_key_people(opportunity=opp, actor=rep) == []


def test_deal_contact_update_validates_and_refuses_stale(opp, rep):
    row = DealContactFactory(opportunity=opp)
    with pytest.raises(ValidationError) as caught:
        deal_contact_update(deal_contact=row, actor=rep, version=0, data={"influence": "huge"})
    assert "influence" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        deal_contact_update(deal_contact=row, actor=rep, version=0, data={"price_acceptance": 9})
    assert "price_acceptance" in caught.value.message_dict
    deal_contact_update(deal_contact=row, actor=rep, version=0, data={"influence": "high"})
    with pytest.raises(ValidationError) as caught:
        deal_contact_update(deal_contact=row, actor=rep, version=0, data={"influence": "low"})
    assert caught.value.message_dict == {"version": [str(STALE_MESSAGE)]}
    row.refresh_from_db()
    assert row.influence == "high"


def test_team_member_contributes_to_chain_and_plan(opp, team_member, other_rep):
    contact = ContactFactory(account=opp.account)
    assert deal_contact_add(opportunity=opp, contact=contact, actor=team_member)
    item = action_item_create(
        opportunity=opp, actor=team_member,
        data={"title": "安排技术交流", "owner": team_member, "due_date": date(2026, 12, 1)},
    )  # fmt: skip
    assert item.created_by == team_member
    with pytest.raises(PermissionDenied):
        deal_contact_add(
            opportunity=opp, contact=ContactFactory(account=opp.account), actor=other_rep
        )


def test_action_owner_must_see_the_deal(opp, rep, other_rep, manager):
    with pytest.raises(ValidationError) as caught:
        action_item_create(
            opportunity=opp, actor=rep,
            data={"title": "报价", "owner": other_rep, "due_date": date(2026, 12, 1)},
        )  # fmt: skip
    assert "owner" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        action_item_create(opportunity=opp, actor=rep, data={"title": " ", "owner": rep})
    assert "title" in caught.value.message_dict
    assert not ActionItem.objects.exists()


def test_action_item_assigned_notifies_owner(opp, rep, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = action_item_create(
            opportunity=opp, actor=rep,
            data={"title": "请领导拜访决策者", "owner": manager, "due_date": date(2026, 12, 1)},
        )  # fmt: skip
    note = Notification.objects.get(recipient=manager)
    assert "请领导拜访决策者" in note.title
    assert note.url == f"/assessments/{opp.pk}/actions/"
    with django_capture_on_commit_callbacks(execute=True):
        action_item_update(item=item, actor=rep, version=0, data={"title": "改期"})
    assert Notification.objects.filter(recipient=manager).count() == 1


def test_action_item_complete_needs_result(opp, rep):
    item = ActionItemFactory(opportunity=opp)
    with pytest.raises(ValidationError) as caught:
        action_item_complete(item=item, actor=rep, version=0, result="  ")
    assert "result" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        action_item_update(item=item, actor=rep, version=0, data={"done": True})
    assert "result" in caught.value.message_dict
    done = action_item_complete(item=item, actor=rep, version=0, result="客户同意安排交流")
    assert done.done and done.done_at is not None and done.version == 1
    assert done.result == "客户同意安排交流"
    reopened = action_item_update(item=done, actor=rep, version=1, data={"done": False})
    assert not reopened.done and reopened.done_at is None
    with pytest.raises(ValidationError) as caught:
        action_item_update(item=item, actor=rep, version=0, data={"title": "旧版本"})
    assert caught.value.message_dict == {"version": [str(STALE_MESSAGE)]}


def test_closed_deal_is_read_only(opp, rep, stages):
    from django.utils import timezone

    opp.closed_at = timezone.now()
    opp.save(update_fields=["closed_at"])
    with pytest.raises(ValidationError):
        assessment_save(opportunity=opp, actor=rep, version=0, data=FOUR)
    with pytest.raises(ValidationError):
        deal_contacts_add_key_people(opportunity=opp, actor=rep)
