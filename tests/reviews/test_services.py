"""Generation, notes, filing and comments of the daily review sheet (R-REV-1)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from kam.audit.models import FieldChange
from kam.intents.models import IntentChange
from kam.interactions.models import Interaction
from kam.notifications.models import Notification
from kam.opportunities.enums import StageKind
from kam.opportunities.models import Stage, StageMove
from kam.reviews.models import ReviewComment, ReviewItem, ReviewSheet
from kam.reviews.selectors import rep_local_today, review_team_overview
from kam.reviews.services.generation import review_sheet_generate, review_sheets_generate_all
from kam.reviews.services.sheets import (
    review_comment_add,
    review_item_note,
    review_missing_remind,
    review_sheet_file,
)
from tests.factories import LeadFollowUpFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def test_generation_lists_open_deals_and_leads_a_first(rep, rep_deal, rep_lead, other_rep):
    OpportunityFactory(owner=other_rep)
    sheet = review_sheet_generate(rep=rep, day=rep_local_today(rep))
    items = list(sheet.items.order_by("position"))
    assert [i.opportunity_id or i.lead_id for i in items] == [rep_deal.pk, rep_lead.pk]
    first = items[0].snapshot
    assert first["name"] == "影像云平台"
    assert first["account"] == "西安高新医院"
    assert first["intent_class"] == "A"
    assert first["amount"] == "0.00"
    assert items[1].snapshot["kind"] == "lead"
    assert sheet.team_id == rep.team_id


def test_closed_deals_are_left_out(rep, rep_deal):
    won = Stage.objects.filter(process=rep_deal.process, kind=StageKind.WON).first()
    old = OpportunityFactory(owner=rep, account=rep_deal.account, stage=won)
    old.closed_at = old.created_at - timedelta(days=30)
    old.save()
    sheet = review_sheet_generate(rep=rep, day=rep_local_today(rep))
    assert list(sheet.items.values_list("opportunity_id", flat=True)) == [rep_deal.pk]


def test_regeneration_is_idempotent_and_keeps_notes(rep, rep_sheet, rep_deal, rep_lead):
    item = rep_sheet.items.get(opportunity=rep_deal)
    review_item_note(item=item, actor=rep, rep_note="客户本周内部评审", next_step="周五约信息科",
                     version=item.version)  # fmt: skip
    rep_deal.name = "影像云平台二期"
    rep_deal.save()
    again = review_sheet_generate(rep=rep, day=rep_sheet.day)
    assert again.pk == rep_sheet.pk
    assert ReviewSheet.objects.count() == 1
    assert ReviewItem.objects.count() == 2
    item.refresh_from_db()
    assert item.rep_note == "客户本周内部评审"
    assert item.next_step == "周五约信息科"
    assert item.snapshot["name"] == "影像云平台二期"


def test_noted_item_survives_when_its_lead_closes(rep, rep_sheet, rep_lead):
    item = rep_sheet.items.get(lead=rep_lead)
    review_item_note(item=item, actor=rep, rep_note="客户预算砍掉", next_step="", version=0)
    rep_lead.status = "disqualified"
    rep_lead.save()
    review_sheet_generate(rep=rep, day=rep_sheet.day)
    assert ReviewItem.objects.filter(pk=item.pk, rep_note="客户预算砍掉").exists()


def test_unnoted_item_of_closed_lead_is_dropped(rep, rep_sheet, rep_lead):
    rep_lead.status = "disqualified"
    rep_lead.save()
    review_sheet_generate(rep=rep, day=rep_sheet.day)
    assert not ReviewItem.objects.filter(lead=rep_lead).exists()


def test_changes_today(rep, rep_deal, rep_lead):
    stages = list(Stage.objects.filter(process=rep_deal.process).order_by("order")[:2])
    StageMove.objects.create(opportunity=rep_deal, from_stage=stages[0], to_stage=stages[1],
                             actor=rep, owner=rep, channel="form")  # fmt: skip
    rep_deal.created_at -= timedelta(days=10)
    rep_deal.save(update_fields=["created_at"])
    FieldChange.objects.create(
        content_type=ContentType.objects.get_for_model(rep_deal), object_id=rep_deal.pk,
        field="amount", field_label="金额（元）", old_value="100.00", new_value="200.00", actor=rep,
    )  # fmt: skip
    IntentChange.objects.create(opportunity=rep_deal, from_class="B", to_class="A", owner=rep)
    Interaction.objects.create(
        account=rep_deal.account, kind="visit", occurred_at=rep_deal.updated_at,
        subject="拜访信息科主任", created_by=rep,
    )  # fmt: skip
    LeadFollowUpFactory(lead=rep_lead, at=rep_deal.updated_at, content="电话确认预算",
                        next_step="下周送方案")  # fmt: skip
    old = rep_deal.updated_at - timedelta(days=3)
    LeadFollowUpFactory(lead=rep_lead, at=old, content="上周的跟进")
    sheet = review_sheet_generate(rep=rep, day=rep_local_today(rep))
    deal = sheet.items.get(opportunity=rep_deal).changes
    assert f"阶段：{stages[0].name_zh} → {stages[1].name_zh}" in deal
    assert "金额（元）：100.00 → 200.00" in deal
    assert "意向分类：B → A" in deal
    assert "拜访记录：拜访信息科主任" in deal
    lead_item = sheet.items.get(lead=rep_lead)
    assert "跟进：电话确认预算" in lead_item.changes
    assert "跟进：上周的跟进" not in lead_item.changes
    assert lead_item.snapshot["next_step"] == "下周送方案"


def test_nothing_changed_yesterday(rep, rep_deal):
    sheet = review_sheet_generate(rep=rep, day=rep_local_today(rep) - timedelta(days=1))
    assert sheet.items.get().changes == []


def test_filed_sheet_is_frozen(rep, rep_sheet, rep_deal):
    review_sheet_file(sheet=rep_sheet, actor=rep, summary="今天拜访两家", version=0)
    rep_sheet.refresh_from_db()
    assert rep_sheet.filed_at is not None
    assert rep_sheet.rep_summary == "今天拜访两家"
    assert FieldChange.objects.filter(object_id=rep_sheet.pk, field="filed_at").exists()
    rep_deal.delete()
    review_sheet_generate(rep=rep, day=rep_sheet.day)
    assert rep_sheet.items.count() == 2
    item = rep_sheet.items.first()
    with pytest.raises(ValidationError):
        review_item_note(item=item, actor=rep, rep_note="x", next_step="", version=item.version)
    with pytest.raises(ValidationError):
        review_sheet_file(sheet=rep_sheet, actor=rep, summary="", version=1)


def test_only_the_rep_notes_and_files(rep_sheet, manager, colleague):
    item = rep_sheet.items.first()
    for someone in (manager, colleague):
        with pytest.raises(PermissionDenied):
            review_item_note(item=item, actor=someone, rep_note="x", next_step="", version=0)
        with pytest.raises(PermissionDenied):
            review_sheet_file(sheet=rep_sheet, actor=someone, summary="", version=0)


def test_stale_note_is_refused(rep, rep_sheet):
    item = rep_sheet.items.first()
    review_item_note(item=item, actor=rep, rep_note="一", next_step="", version=0)
    with pytest.raises(ValidationError):
        review_item_note(item=item, actor=rep, rep_note="二", next_step="", version=0)


def test_comments_up_the_chain_notify_the_rep(rep, rep_sheet, manager, director, gm):
    item = rep_sheet.items.first()
    review_comment_add(sheet=rep_sheet, item=item, actor=manager, body="先把决策链画出来")
    review_comment_add(sheet=rep_sheet, actor=director, body="整体节奏不错")
    review_comment_add(sheet=rep_sheet, actor=gm, body="关注回款")
    assert ReviewComment.objects.filter(sheet=rep_sheet).count() == 3
    notes = Notification.objects.filter(recipient=rep)
    assert notes.count() == 3
    assert notes.filter(url=rep_sheet.get_absolute_url()).count() == 3


def test_comments_refused_outside_the_chain(rep, rep_sheet, colleague, other_manager, finance):
    for someone in (rep, colleague, other_manager, finance):
        with pytest.raises(PermissionDenied):
            review_comment_add(sheet=rep_sheet, actor=someone, body="x")
    assert not ReviewComment.objects.exists()


def test_empty_comment_is_refused(rep_sheet, manager):
    with pytest.raises(ValidationError) as error:
        review_comment_add(sheet=rep_sheet, actor=manager, body="  ")
    assert "body" in error.value.message_dict


def test_not_filed_overview_and_reminder(rep, colleague, manager, rep_sheet):
    day = rep_sheet.day
    review_sheet_file(sheet=rep_sheet, actor=rep, summary="", version=0)
    rows = review_team_overview(manager, day=day)
    assert {row.rep.pk: row.filed for row in rows} == {rep.pk: True, colleague.pk: False}
    assert review_missing_remind(day=day) == 1
    assert review_missing_remind(day=day) == 0
    assert Notification.objects.filter(recipient=colleague).count() == 1
    assert not Notification.objects.filter(recipient=rep).exists()


def test_generate_all_covers_active_reps(rep, colleague, other_rep, manager):
    colleague.is_active = False
    colleague.save()
    day = rep_local_today(rep)
    assert review_sheets_generate_all(day=day) == 2
    assert set(ReviewSheet.objects.values_list("rep_id", flat=True)) == {rep.pk, other_rep.pk}


def test_amount_snapshot_is_a_decimal_string(rep, rep_deal):
    rep_deal.amount = Decimal("1234567.80")
    rep_deal.save()
    sheet = review_sheet_generate(rep=rep, day=rep_local_today(rep))
    assert sheet.items.get().snapshot["amount"] == "1234567.80"
