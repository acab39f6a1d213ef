from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from kam.accounts.models import (
    Account,
    AccountTeamMember,
    GradeChange,
    OwnerChange,
)
from kam.approvals.models import Approval
from kam.billing.models import Invoice, Receipt
from kam.contacts.models import Contact, EngagementPlan, GuideCost, ScoreChange
from kam.contracts.models import Contract
from kam.demo.catalog import ACCOUNTS
from kam.demo.people import DEMO_PASSWORD, DEMO_USERS
from kam.intents.models import IntentChange
from kam.interactions.models import Interaction
from kam.leads.models import Lead
from kam.opportunities.models import Opportunity
from kam.pools.models import PoolEvent
from kam.quotes.models import QuoteVersion
from kam.reviews.models import ReviewComment, ReviewItem
from kam.search.models import SearchDocument
from kam.users.models import Team, User

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def gb32100_valid(code: str) -> bool:
    """Written out again here so the test does not trust the code it checks."""
    if len(code) != 18 or any(char not in CHARSET for char in code):
        return False
    total = sum(CHARSET.index(c) * w for c, w in zip(code[:17], WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31] == code[17]


def demo_load(*args: str) -> str:
    out = StringIO()
    call_command("demo_load", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo company, loaded once for this module's read-only tests and rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_loaded, db):
    return None


def test_demo_load_creates_org_when_database_empty(demo):
    assert User.objects.count() == len(DEMO_USERS) == 12
    assert set(Team.objects.values_list("name", flat=True)) == {
        "秦川科技有限公司", "大客户事业部", "运营商与政企一组", "医疗与制造二组",
    }  # fmt: skip
    rep1 = User.objects.get(username="rep1")
    assert rep1.check_password(DEMO_PASSWORD)
    assert rep1.manager is not None and rep1.manager.username == "manager1"


def test_demo_load_creates_group_hierarchies_when_database_empty(demo):
    assert Account.objects.count() == len(ACCOUNTS)
    city = Account.objects.select_related("parent__parent").get(
        name="中国电信股份有限公司西安分公司"
    )
    assert city.level == "city"
    assert city.parent is not None and city.parent.name == "中国电信股份有限公司陕西分公司"
    assert city.parent.level == "province"
    assert city.parent.parent is not None and city.parent.parent.name == "中国电信集团有限公司"
    assert city.parent.parent.level == "group"
    assert Account.objects.filter(parent__name="国网陕西省电力有限公司").exists()
    assert Account.objects.filter(parent__name="陕西汽车控股集团有限公司").count() >= 2
    assert set(Account.objects.values_list("grade", flat=True)) == {"A", "B", "C", "D"}
    assert {"陕西", "甘肃", "宁夏", "河南", "四川"} <= set(
        Account.objects.values_list("province", flat=True)
    )


def test_demo_load_gives_valid_credit_codes_and_normalized_names(demo):
    codes = list(Account.objects.values_list("credit_code", flat=True))
    assert len(set(codes)) == len(codes)
    assert all(code and gb32100_valid(code) for code in codes)
    telecom = Account.objects.get(name="中国电信股份有限公司陕西分公司")
    assert telecom.name_normalized and telecom.name_normalized != telecom.name


def test_demo_load_spreads_owners_over_teams_and_pool(demo):
    owners = set(Account.objects.exclude(owner=None).values_list("owner__username", flat=True))
    assert owners == {"rep1", "rep2", "rep3", "rep4"}
    assert not Account.objects.exclude(owner=None).exclude(team=F("owner__team")).exists()
    team1 = Account.objects.filter(team__name="运营商与政企一组")
    team2 = Account.objects.filter(team__name="医疗与制造二组")
    assert (
        team1.filter(industry="telecom").exists() and team1.filter(industry="government").exists()
    )
    assert team2.filter(industry="healthcare").exists()
    assert team2.filter(industry="manufacturing").exists()
    assert not team1.filter(industry__in=["healthcare", "manufacturing"]).exists()
    pool = Account.objects.filter(owner=None)
    assert pool.exists()
    assert not pool.exclude(team=None).exists()
    # a pool account was released: its last owner change hands it to nobody
    for account in pool:
        released = account.owner_changes.first()
        assert released is not None and released.to_owner is None


def test_demo_load_gives_every_account_an_org_of_people(demo):
    assert not Account.objects.annotate(n=Count("contacts")).filter(n__lt=3).exists()
    assert not Account.objects.annotate(n=Count("contacts")).filter(n__gt=8).exists()
    # everybody but the head reports to someone in the same account
    heads = Contact.objects.filter(reports_to=None)
    assert heads.count() == Account.objects.count()
    assert (
        not Contact.objects.exclude(reports_to=None)
        .exclude(reports_to__account=F("account"))
        .exists()
    )
    assert Contact.objects.filter(title="信息科主任").exists()
    assert Contact.objects.filter(title="采购副总").exists()
    assert not Contact.objects.exclude(phone__regex=r"^1[3-9][0-9]{9}$").exists()


def test_demo_load_records_scores_guides_and_personnel_changes(demo):
    assert ScoreChange.objects.count() > Contact.objects.count()  # trends, not single points
    trending = Contact.objects.annotate(n=Count("score_changes")).filter(n__gte=3)
    assert trending.exists()
    # the newest snapshot is today's scores
    for contact in Contact.objects.all()[:50]:
        newest = contact.score_changes.order_by("-changed_at", "-pk").first()
        assert newest is not None
        assert (newest.closeness, newest.solution_acceptance, newest.price_acceptance) == (
            contact.closeness, contact.solution_acceptance, contact.price_acceptance,
        )  # fmt: skip
    guides = Contact.objects.filter(guide_level__gte=1)
    assert guides.exists()
    assert not GuideCost.objects.exclude(contact__guide_level__gte=1).exists()
    assert GuideCost.objects.filter(kind="money", amount__gt=0).exists()
    assert GuideCost.objects.filter(kind="time", hours__gt=0).exists()
    moved = Contact.objects.filter(status__in=["left", "changed_post"])
    assert moved.filter(status="left").exists() and moved.filter(status="changed_post").exists()
    assert not moved.filter(account__personnel_change_at=None).exists()


def test_demo_load_creates_engagement_plans_some_overdue(demo):
    today = timezone.localdate()
    plans = EngagementPlan.objects.filter(active=True)
    assert plans.filter(next_due__lt=today).exists()
    assert plans.filter(next_due__gte=today).exists()
    assert set(plans.values_list("our_executive__username", flat=True)) <= {"gm", "director"}
    assert not plans.exclude(contact__decision_role="decision_maker").exists()


def test_demo_load_creates_a_year_of_interactions(demo):
    now = timezone.now()
    interactions = Interaction.objects.all()
    assert 1400 <= interactions.count() <= 1600
    assert not interactions.filter(
        Q(occurred_at__gt=now) | Q(occurred_at__lt=now - timedelta(days=367))
    ).exists()
    assert set(interactions.values_list("kind", flat=True)) == {
        "visit", "call", "meeting", "demo", "site_visit", "reception", "trial",
    }  # fmt: skip
    assert interactions.filter(accompanied=True).exclude(accompanied_by=None).exists()
    assert not interactions.filter(accompanied=True, accompanied_by=None).exists()
    # the author took part, and the customer's people belong to that customer
    through = Interaction.our_participants.through
    assert not interactions.exclude(
        pk__in=through.objects.filter(user_id=F("interaction__created_by_id")).values(
            "interaction_id"
        )
    ).exists()
    their = Interaction.their_participants.through.objects
    assert not their.exclude(contact__account_id=F("interaction__account_id")).exists()
    assert interactions.filter(content__contains="SD-WAN").exists()
    assert interactions.filter(content__contains="Huawei").exists()
    # pool accounts: nothing happened after they were released
    for account in Account.objects.filter(owner=None):
        released = account.owner_changes.first()
        assert released is not None
        assert not account.interactions.filter(occurred_at__gt=released.changed_at).exists()


def test_demo_load_keeps_last_activity_consistent(demo):
    accounts = Account.objects.annotate(latest=Max("interactions__occurred_at"))
    assert not accounts.exclude(last_activity_at=F("latest")).exists()
    assert accounts.filter(latest__isnull=False).count() == Account.objects.count()
    contacts = Contact.objects.annotate(latest=Max("interactions__occurred_at"))
    assert not contacts.exclude(latest=None).exclude(last_contact_at=F("latest")).exists()
    assert not contacts.filter(latest=None).exclude(last_contact_at=None).exists()


def test_demo_load_writes_history_rows(demo):
    for account in Account.objects.prefetch_related("grade_changes", "owner_changes"):
        grades = list(account.grade_changes.all())
        assert grades and grades[0].to_grade == account.grade  # newest first
        assert grades[-1].from_grade == ""
        owners = list(account.owner_changes.all())
        assert owners and owners[0].to_owner_id == account.owner_id
    assert GradeChange.objects.exclude(from_grade="").exists()
    assert OwnerChange.objects.exclude(from_owner=None).exclude(to_owner=None).exists()
    members = AccountTeamMember.objects.all()
    assert members.filter(role="solution", user__username="solution").exists()
    assert members.filter(role="delivery", user__username="delivery").exists()


def test_demo_load_has_search_demo_records(demo):
    zhang = Contact.objects.get(name="张伟")
    assert zhang.account.name == "陕西省人民医院"
    assert zhang.interactions.exists()
    notes = Interaction.objects.filter(content__contains="采购副总")
    assert any(not note.content.startswith("采购副总") for note in notes)
    documents = SearchDocument.objects
    assert documents.count() == (
        Account.objects.count()
        + Contact.objects.count()
        + Interaction.objects.count()
        + Opportunity.objects.count()
        + QuoteVersion.objects.count()
        + Approval.objects.filter(account__isnull=False).count()
        + Lead.objects.count()
        + PoolEvent.objects.count()
        + IntentChange.objects.count()
        + ReviewItem.objects.exclude(rep_note="", next_step="").count()
        + ReviewComment.objects.count()
        + Contract.objects.count()
        + Invoice.objects.count()
        + Receipt.objects.count()
    )
    assert documents.filter(kind="contact", object_id=zhang.pk, terms__contains="张伟").exists()
    assert documents.filter(kind="interaction", terms__contains="采购 购副 副总").exists()


def test_demo_load_has_a_pipeline_in_every_stage_with_approvals_and_violations(demo):
    from kam.approvals.models import Approval
    from kam.opportunities.models import Stage, StageMove
    from kam.quotes.models import QuoteVersion

    default_stages = Stage.objects.filter(process__code="kam-default")
    for stage in default_stages:
        assert Opportunity.objects.filter(stage=stage).exists(), stage.code
    statuses = set(Approval.objects.values_list("status", flat=True))
    assert {"pending", "approved", "rejected"} <= statuses
    assert Approval.objects.filter(type_code="account_core_change", status="pending").exists()
    assert StageMove.objects.filter(bypassed=True).count() >= 2
    assert QuoteVersion.objects.filter(status="accepted").exists()
    for deal in Opportunity.objects.prefetch_related("lines"):
        assert deal.amount == sum(line.amount for line in deal.lines.all())
