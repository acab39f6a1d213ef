from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kam.audit.models import FieldChange
from kam.contacts.enums import Attitude, ContactStatus, DecisionRole, GuideCostKind
from kam.contacts.models import Contact, EngagementTouch, GuideCost, ScoreChange
from kam.contacts.selectors import (
    decision_chain,
    engagement_plans_for_contact,
    engagement_plans_overdue,
    guide_cost_totals,
    org_tree,
    score_history,
)
from kam.contacts.services import (
    contact_create,
    contact_mark_status,
    contact_update,
    contact_update_scores,
    engagement_plan_create,
    engagement_plan_deactivate,
    engagement_touch_record,
    guide_cost_add,
)
from kam.search.models import SearchDocument
from tests.factories import (
    AccountFactory,
    AccountTeamMemberFactory,
    ContactFactory,
    EngagementPlanFactory,
)


@pytest.fixture
def account(rep):
    return AccountFactory(owner=rep, name="西安市第一人民医院")


def _data(**overrides):
    data = {
        "name": "张主任",
        "title": "信息科主任",
        "department": "信息科",
        "phone": "13812345678",
        "email": "zhang@example.com",
        "wechat": "zhang_wx",
        "reports_to": None,
        "background": "医院信息化老兵",
        "character": "谨慎",
        "decision_style": "数据驱动",
        "preferences": "喜欢喝茶",
        "decision_role": DecisionRole.TECHNICAL,
        "influence": "high",
        "attitude": Attitude.SUPPORTER,
        "closeness": 3,
        "solution_acceptance": 4,
        "price_acceptance": 2,
        "guide_level": 1,
    }
    data.update(overrides)
    return data


def test_contact_create_writes_audit_score_snapshot_and_index(account, rep):
    contact = contact_create(account=account, actor=rep, data=_data())

    assert contact.account == account
    snapshot = ScoreChange.objects.get(contact=contact)
    scores = (snapshot.closeness, snapshot.solution_acceptance, snapshot.price_acceptance)
    assert scores == (3, 4, 2)
    assert snapshot.actor == rep
    fields = set(
        FieldChange.objects.filter(object_id=contact.pk, content_type__model="contact").values_list(
            "field", flat=True
        )
    )
    assert {"name", "title", "closeness", "decision_role"} <= fields
    document = SearchDocument.objects.get(kind="contact", object_id=contact.pk)
    assert "张主任" in document.title


def test_contact_create_refused_when_actor_cannot_edit(account, other_rep, colleague):
    AccountTeamMemberFactory(account=account, user=colleague)
    for actor in (other_rep, colleague):
        with pytest.raises(PermissionDenied):
            contact_create(account=account, actor=actor, data=_data())
    assert not Contact.objects.exists()


def test_contact_create_manager_up_the_chain_may_edit(account, manager, director, gm):
    for actor in (manager, director, gm):
        contact_create(account=account, actor=actor, data=_data(name=f"人{actor.pk}"))
    assert Contact.objects.filter(account=account).count() == 3


def test_contact_create_refuses_boss_from_another_account(account, rep):
    stranger = ContactFactory(account=AccountFactory(owner=rep))
    with pytest.raises(ValidationError) as excinfo:
        contact_create(account=account, actor=rep, data=_data(reports_to=stranger))
    assert "reports_to" in excinfo.value.message_dict
    assert not Contact.objects.filter(account=account).exists()
    assert not ScoreChange.objects.exists()


def test_contact_create_refuses_bad_scores_and_writes_nothing(account, rep):
    with pytest.raises(ValidationError) as excinfo:
        contact_create(account=account, actor=rep, data=_data(closeness=6, attitude="bogus"))
    assert set(excinfo.value.message_dict) == {"closeness", "attitude"}
    assert not Contact.objects.exists()
    assert not FieldChange.objects.exists()


def test_contact_update_refuses_reports_to_cycle(account, rep):
    boss = ContactFactory(account=account, name="院长")
    middle = ContactFactory(account=account, name="副院长", reports_to=boss)
    worker = ContactFactory(account=account, name="科长", reports_to=middle)

    with pytest.raises(ValidationError) as excinfo:
        contact_update(contact=boss, actor=rep, version=boss.version, data={"reports_to": worker})
    assert "reports_to" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        contact_update(contact=boss, actor=rep, version=boss.version, data={"reports_to": boss})
    boss.refresh_from_db()
    assert boss.reports_to_id is None
    assert boss.version == 0


def test_contact_update_records_scores_history_and_audit(account, rep):
    contact = contact_create(account=account, actor=rep, data=_data())
    FieldChange.objects.all().delete()

    updated = contact_update(
        contact=contact, actor=rep, version=0, data={"closeness": 5, "title": "副院长"}
    )

    assert updated.version == 1
    contact.refresh_from_db()
    assert (contact.closeness, contact.title, contact.version) == (5, "副院长", 1)
    assert ScoreChange.objects.filter(contact=contact).count() == 2
    latest = ScoreChange.objects.filter(contact=contact).last()
    assert latest is not None and latest.closeness == 5
    changes = {c.field: (c.old_value, c.new_value) for c in FieldChange.objects.all()}
    assert changes == {"closeness": ("3", "5"), "title": ("信息科主任", "副院长")}
    assert "副院长" in SearchDocument.objects.get(kind="contact", object_id=contact.pk).title


def test_contact_update_without_score_change_writes_no_snapshot(account, rep):
    contact = contact_create(account=account, actor=rep, data=_data())
    contact_update(contact=contact, actor=rep, version=0, data={"department": "院办"})
    assert ScoreChange.objects.filter(contact=contact).count() == 1


def test_contact_update_refuses_stale_version(account, rep, manager):
    contact = contact_create(account=account, actor=rep, data=_data())
    contact_update(contact=contact, actor=manager, version=0, data={"title": "新职务"})

    with pytest.raises(ValidationError, match="已被他人修改"):
        contact_update(contact=contact, actor=rep, version=0, data={"title": "旧页面"})
    contact.refresh_from_db()
    assert contact.title == "新职务"


def test_contact_update_scores_writes_history_with_note(account, rep):
    contact = ContactFactory(account=account)
    contact_update_scores(
        contact=contact, closeness=4, solution_acceptance=3, price_acceptance=2,
        note="饭局后关系拉近", actor=rep,
    )  # fmt: skip
    contact.refresh_from_db()
    assert (contact.closeness, contact.solution_acceptance, contact.price_acceptance) == (4, 3, 2)
    change = ScoreChange.objects.get(contact=contact)
    assert change.note == "饭局后关系拉近"
    assert FieldChange.objects.filter(object_id=contact.pk, field="closeness").exists()


def test_contact_update_scores_unchanged_writes_nothing(account, rep):
    contact = ContactFactory(account=account)
    contact_update_scores(
        contact=contact, closeness=1, solution_acceptance=1, price_acceptance=1, note="",
        actor=rep,
    )  # fmt: skip
    assert not ScoreChange.objects.exists()
    assert not FieldChange.objects.exists()


def test_contact_update_scores_out_of_range_refused(account, rep):
    contact = ContactFactory(account=account)
    with pytest.raises(ValidationError) as excinfo:
        contact_update_scores(
            contact=contact, closeness=0, solution_acceptance=1, price_acceptance=9, note="",
            actor=rep,
        )  # fmt: skip
    assert set(excinfo.value.message_dict) == {"closeness", "price_acceptance"}


@pytest.mark.parametrize("status", [ContactStatus.LEFT, ContactStatus.CHANGED_POST])
def test_contact_mark_status_flags_account(account, rep, status):
    contact = ContactFactory(account=account)
    assert account.personnel_change_at is None

    contact_mark_status(contact=contact, status=status, note="调往集团", actor=rep)

    account.refresh_from_db()
    contact.refresh_from_db()
    assert account.personnel_change_at is not None
    assert contact.status == status
    assert contact.status_note == "调往集团"
    assert FieldChange.objects.filter(object_id=contact.pk, field="status").exists()


def test_contact_mark_status_requires_note_for_departure(account, rep):
    contact = ContactFactory(account=account)
    with pytest.raises(ValidationError) as excinfo:
        contact_mark_status(contact=contact, status=ContactStatus.LEFT, note=" ", actor=rep)
    assert "note" in excinfo.value.message_dict
    account.refresh_from_db()
    assert account.personnel_change_at is None


def test_contact_mark_status_back_in_post_does_not_flag(account, rep):
    contact = ContactFactory(account=account, status=ContactStatus.LEFT)
    contact_mark_status(contact=contact, status=ContactStatus.IN_POST, note="", actor=rep)
    account.refresh_from_db()
    assert account.personnel_change_at is None


def test_guide_cost_add_records_decimal_money_and_time(account, rep):
    contact = ContactFactory(account=account)
    guide_cost_add(
        contact=contact, kind=GuideCostKind.MONEY, spent_on=date(2026, 11, 1),
        amount=Decimal("1200.50"), hours=None, note="节日礼品", actor=rep,
    )  # fmt: skip
    guide_cost_add(
        contact=contact, kind=GuideCostKind.MONEY, spent_on=date(2026, 11, 2),
        amount=Decimal("0.10"), hours=None, note="", actor=rep,
    )  # fmt: skip
    guide_cost_add(
        contact=contact, kind=GuideCostKind.TIME, spent_on=date(2026, 11, 3),
        amount=None, hours=Decimal("2.5"), note="陪同考察", actor=rep,
    )  # fmt: skip

    totals = guide_cost_totals([contact.pk])[contact.pk]
    assert totals.money == Decimal("1200.60")
    assert isinstance(totals.money, Decimal)
    assert totals.hours == Decimal("2.5")


@pytest.mark.parametrize(
    ("kind", "amount", "hours", "field"),
    [
        (GuideCostKind.MONEY, Decimal("0"), None, "amount"),
        (GuideCostKind.MONEY, Decimal("-5"), None, "amount"),
        (GuideCostKind.MONEY, Decimal("1.005"), None, "amount"),
        (GuideCostKind.TIME, None, Decimal("0"), "hours"),
        (GuideCostKind.TIME, None, Decimal("-1"), "hours"),
        ("gift", Decimal("1"), None, "kind"),
    ],
)
def test_guide_cost_add_refuses_bad_values(account, rep, kind, amount, hours, field):
    contact = ContactFactory(account=account)
    with pytest.raises(ValidationError) as excinfo:
        guide_cost_add(
            contact=contact, kind=kind, spent_on=date(2026, 11, 1), amount=amount, hours=hours,
            note="", actor=rep,
        )  # fmt: skip
    assert field in excinfo.value.message_dict
    assert not GuideCost.objects.exists()


def test_guide_cost_add_refuses_float(account, rep):
    contact = ContactFactory(account=account)
    with pytest.raises(TypeError):
        guide_cost_add(
            contact=contact, kind=GuideCostKind.MONEY, spent_on=date(2026, 11, 1), amount=0.1,
            hours=None, note="", actor=rep,
        )  # fmt: skip
    assert not GuideCost.objects.exists()


def test_guide_cost_totals_empty_is_zero(account):
    contact = ContactFactory(account=account)
    totals = guide_cost_totals([contact.pk])[contact.pk]
    assert totals.money == Decimal("0.00") and totals.hours == Decimal("0.0")


def test_engagement_touch_moves_next_due(account, rep, director):
    contact = ContactFactory(account=account)
    plan = engagement_plan_create(
        contact=contact, our_executive=director, purpose="总监季度拜访", cadence_days=30,
        next_due=date(2026, 10, 1), actor=rep,
    )  # fmt: skip
    touched = timezone.localdate() - timedelta(days=2)

    engagement_touch_record(plan=plan, touched_on=touched, note="一起吃饭", actor=rep)

    plan.refresh_from_db()
    assert plan.last_done == touched
    assert plan.next_due == touched + timedelta(days=30)
    assert EngagementTouch.objects.get(plan=plan).note == "一起吃饭"


def test_engagement_touch_refuses_future_date(account, rep, director):
    plan = EngagementPlanFactory(contact=ContactFactory(account=account), our_executive=director)
    with pytest.raises(ValidationError) as excinfo:
        engagement_touch_record(
            plan=plan, touched_on=timezone.localdate() + timedelta(days=3), note="", actor=rep
        )
    assert "touched_on" in excinfo.value.message_dict
    assert not EngagementTouch.objects.exists()


def test_engagement_plan_create_validates(account, rep, director):
    contact = ContactFactory(account=account)
    director.is_active = False
    director.save()
    with pytest.raises(ValidationError) as excinfo:
        engagement_plan_create(
            contact=contact, our_executive=director, purpose=" ", cadence_days=0,
            next_due=date(2026, 12, 1), actor=rep,
        )  # fmt: skip
    assert set(excinfo.value.message_dict) == {"our_executive", "purpose", "cadence_days"}


def test_engagement_overdue_detection(account, rep, director, other_rep):
    today = timezone.localdate()
    contact = ContactFactory(account=account)
    late = EngagementPlanFactory(
        contact=contact, our_executive=director, next_due=today - timedelta(days=1)
    )
    EngagementPlanFactory(contact=contact, our_executive=director, next_due=today)
    stopped = EngagementPlanFactory(
        contact=contact, our_executive=director, next_due=today - timedelta(days=9)
    )
    engagement_plan_deactivate(plan=stopped, actor=rep)

    assert list(engagement_plans_overdue(rep)) == [late]
    assert list(engagement_plans_overdue(other_rep)) == []
    flags = {p.pk: p.overdue for p in engagement_plans_for_contact(contact, today)}
    assert flags[late.pk] is True
    assert flags[stopped.pk] is False
    assert sum(flags.values()) == 1


def test_org_tree_nests_people_by_reports_to(account):
    boss = ContactFactory(account=account, name="A院长")
    deputy = ContactFactory(account=account, name="B副院长", reports_to=boss)
    ContactFactory(account=account, name="C科长", reports_to=deputy)
    loner = ContactFactory(account=account, name="D采购")

    people = list(Contact.objects.filter(account=account).order_by("name"))
    roots = org_tree(people)

    assert [n.contact for n in roots] == [boss, loner]
    assert [n.contact.name for n in roots[0].children] == ["B副院长"]
    assert [n.contact.name for n in roots[0].children[0].children] == ["C科长"]


def test_org_tree_survives_a_loop(account):
    a = ContactFactory(account=account, name="甲")
    b = ContactFactory(account=account, name="乙", reports_to=a)
    Contact.objects.filter(pk=a.pk).update(reports_to=b)
    people = list(Contact.objects.filter(account=account).order_by("name"))
    roots = org_tree(people)
    names = []
    stack = list(roots)
    while stack:
        node = stack.pop()
        names.append(node.contact.name)
        stack.extend(node.children)
    assert sorted(names) == ["乙", "甲"]


def test_decision_chain_puts_decision_makers_first_and_gone_last(account):
    user = ContactFactory(account=account, name="用户", decision_role=DecisionRole.USER)
    boss = ContactFactory(account=account, name="老板", decision_role=DecisionRole.DECISION_MAKER)
    gone = ContactFactory(
        account=account, name="前老板", decision_role=DecisionRole.DECISION_MAKER,
        status=ContactStatus.LEFT,
    )  # fmt: skip
    assert decision_chain([user, gone, boss]) == [boss, user, gone]


def test_score_history_is_oldest_first(account, rep):
    contact = contact_create(account=account, actor=rep, data=_data(closeness=1))
    contact_update_scores(
        contact=contact, closeness=2, solution_acceptance=4, price_acceptance=2, note="",
        actor=rep,
    )  # fmt: skip
    assert [s.closeness for s in score_history(contact)] == [1, 2]
