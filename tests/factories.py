"""Boring factories: one per model, sensible Chinese defaults, nothing clever."""

from datetime import UTC, datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from kam.accounts.enums import Industry, Level
from kam.accounts.models import Account, AccountTeamMember
from kam.accounts.names import account_name_normalize
from kam.contacts.models import Contact
from kam.interactions.enums import InteractionKind
from kam.interactions.models import Interaction
from kam.users.enums import Role
from kam.users.models import Team, User


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"销售{n}部")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"员工{n}")
    role = Role.ACCOUNT_MANAGER
    team = factory.SubFactory(TeamFactory)
    password = factory.django.Password("kam-test-pass")


class AccountFactory(DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"测试客户{n}有限公司")
    name_normalized = factory.LazyAttribute(lambda o: account_name_normalize(o.name))
    industry = Industry.MANUFACTURING
    province = "陕西"
    city = "西安"
    level = Level.CITY
    owner = factory.SubFactory(UserFactory)
    team = factory.LazyAttribute(lambda o: o.owner.team if o.owner else None)


class AccountTeamMemberFactory(DjangoModelFactory):
    class Meta:
        model = AccountTeamMember

    account = factory.SubFactory(AccountFactory)
    user = factory.SubFactory(UserFactory)
    role = "solution"


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    title = "信息中心主任"


class InteractionFactory(DjangoModelFactory):
    class Meta:
        model = Interaction

    account = factory.SubFactory(AccountFactory)
    kind = InteractionKind.VISIT
    occurred_at = factory.LazyFunction(lambda: datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
    subject = factory.Sequence(lambda n: f"拜访{n}")
    content = "沟通了项目需求。"
    created_by = factory.LazyAttribute(lambda o: o.account.owner)


# ---- contacts ----
class EngagementPlanFactory(DjangoModelFactory):
    class Meta:
        model = "contacts.EngagementPlan"

    contact = factory.SubFactory(ContactFactory)
    our_executive = factory.LazyAttribute(lambda o: o.contact.account.owner)
    purpose = "季度高层拜访"
    cadence_days = 30
    next_due = factory.LazyFunction(lambda: datetime(2026, 12, 1, tzinfo=UTC).date())


class GuideCostFactory(DjangoModelFactory):
    class Meta:
        model = "contacts.GuideCost"

    contact = factory.SubFactory(ContactFactory)
    kind = "money"
    spent_on = factory.LazyFunction(lambda: datetime(2026, 11, 1, tzinfo=UTC).date())
    amount = "100.00"


# --- products and opportunities -------------------------------------------------------------


class ProductLineFactory(DjangoModelFactory):
    class Meta:
        model = "products.ProductLine"
        django_get_or_create = ("code",)

    code = "TEST"
    name = "测试产品线"


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = "products.Product"

    line = factory.SubFactory(ProductLineFactory)
    code = factory.Sequence(lambda n: f"P-{n:04d}")
    name = factory.Sequence(lambda n: f"智能网关{n}型")
    unit = "台"
    list_price = Decimal("10000.00")
    tax_rate = Decimal("0.13")


def _default_stage():
    from kam.opportunities.models import Stage

    return (
        Stage.objects.filter(process__is_default=True, kind="open", active=True)
        .order_by("order")
        .first()
    )


class OpportunityFactory(DjangoModelFactory):
    """A bare opportunity in the default process's first stage (no lines, no history)."""

    class Meta:
        model = "opportunities.Opportunity"

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"数据中心扩容项目{n}")
    number = factory.Sequence(lambda n: f"SJT{n:08d}")
    stage = factory.LazyFunction(_default_stage)
    process = factory.LazyAttribute(lambda o: o.stage.process)
    stage_entered_at = factory.LazyFunction(lambda: datetime.now(UTC))
    owner = factory.LazyAttribute(lambda o: o.account.owner)
    created_by = factory.LazyAttribute(lambda o: o.owner)
    probability = factory.LazyAttribute(lambda o: o.stage.default_probability)


# ---- approvals (kam.approvals) ----
# Approvals in tests are normally made with `approval_submit` (it resolves the chain into steps);
# these factories are for rows a test wants to set up directly.
class ApprovalChainStepFactory(DjangoModelFactory):
    class Meta:
        model = "approvals.ApprovalChainStep"

    type_code = "initiation"
    position = factory.Sequence(lambda n: n + 1)
    rule = "manager"


class ApprovalFactory(DjangoModelFactory):
    class Meta:
        model = "approvals.Approval"

    type_code = "initiation"
    title = factory.Sequence(lambda n: f"审批{n}")
    requester = factory.SubFactory(UserFactory)
    status = "pending"
    submitted_at = factory.LazyFunction(lambda: datetime.now(UTC))


class ApprovalStepFactory(DjangoModelFactory):
    class Meta:
        model = "approvals.ApprovalStep"

    approval = factory.SubFactory(ApprovalFactory)
    round = 1
    position = 1
    approver = factory.SubFactory(UserFactory)
    rule_label = "直属上级"
    status = "pending"


# ---- forecasts ----
class ForecastSnapshotRunFactory(DjangoModelFactory):
    class Meta:
        model = "forecasts.ForecastSnapshotRun"
        django_get_or_create = ("week_start",)

    week_start = factory.LazyFunction(lambda: datetime(2026, 11, 23, tzinfo=UTC).date())


class ForecastSnapshotFactory(DjangoModelFactory):
    """One owner × period × category row of a weekly forecast snapshot."""

    class Meta:
        model = "forecasts.ForecastSnapshot"

    week_start = factory.LazyFunction(lambda: datetime(2026, 11, 23, tzinfo=UTC).date())
    run = factory.LazyAttribute(lambda o: ForecastSnapshotRunFactory(week_start=o.week_start))
    owner = factory.SubFactory(UserFactory)
    team = factory.LazyAttribute(lambda o: o.owner.team)
    period_key = "2026Q4"
    category = "commit"
    amount = Decimal("100000.00")
    weighted_amount = Decimal("70000.00")
    deal_count = 1


# ---- assessments ----
class DealContactFactory(DjangoModelFactory):
    """A seat in a deal's decision chain; the contact defaults to one of the deal's account."""

    class Meta:
        model = "assessments.DealContact"

    opportunity = factory.SubFactory(OpportunityFactory)
    contact = factory.LazyAttribute(lambda o: ContactFactory(account=o.opportunity.account))
    role_in_deal = ""
    influence = "medium"
    attitude = "neutral"
    solution_acceptance = 3
    price_acceptance = 3


class ActionItemFactory(DjangoModelFactory):
    class Meta:
        model = "assessments.ActionItem"

    opportunity = factory.SubFactory(OpportunityFactory)
    title = factory.Sequence(lambda n: f"约客户技术负责人交流方案{n}")
    owner = factory.LazyAttribute(lambda o: o.opportunity.owner)
    due_date = factory.LazyFunction(lambda: datetime(2026, 12, 15, tzinfo=UTC).date())
    created_by = factory.LazyAttribute(lambda o: o.opportunity.owner)


# ---- presales and bids ----
class PresalesRequestFactory(DjangoModelFactory):
    class Meta:
        model = "presales.PresalesRequest"

    opportunity = factory.SubFactory(OpportunityFactory)
    requested_by = factory.LazyAttribute(lambda o: o.opportunity.owner)
    kind = "solution"
    description = "客户需要整体方案设计"
    needed_from = factory.LazyFunction(lambda: datetime(2026, 11, 1, tzinfo=UTC).date())
    needed_to = factory.LazyFunction(lambda: datetime(2026, 11, 30, tzinfo=UTC).date())
    estimated_hours = Decimal("16.0")


class PresalesAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = "presales.PresalesAssignment"

    request = factory.SubFactory(PresalesRequestFactory, status="dispatched")
    user = factory.SubFactory(UserFactory, role=Role.SOLUTION_MANAGER)
    assigned_by = factory.LazyAttribute(lambda o: o.request.requested_by)


class HoursLogFactory(DjangoModelFactory):
    class Meta:
        model = "presales.HoursLog"

    assignment = factory.SubFactory(PresalesAssignmentFactory)
    date = factory.LazyFunction(lambda: datetime(2026, 11, 2, tzinfo=UTC).date())
    hours = Decimal("4.0")
    description = "方案编写"


class BidFactory(DjangoModelFactory):
    class Meta:
        model = "bids.Bid"

    opportunity = factory.SubFactory(OpportunityFactory)
    tender_name = factory.Sequence(lambda n: f"数据中心扩容招标{n}")
    tender_number = factory.Sequence(lambda n: f"ZB2026-{n:04d}")
    deadline = factory.LazyFunction(lambda: datetime(2026, 12, 20, 9, 30, tzinfo=UTC))
    bond = Decimal("50000.00")
    bid_amount = Decimal("1200000.00")
    created_by = factory.LazyAttribute(lambda o: o.opportunity.owner)


# --- leads (kam/leads) ---------------------------------------------------------------------


class LeadFactory(DjangoModelFactory):
    class Meta:
        model = "leads.Lead"

    owner = factory.SubFactory(UserFactory)
    team = factory.LazyAttribute(lambda o: o.owner.team)
    created_by = factory.LazyAttribute(lambda o: o.owner)
    company_name = factory.Sequence(lambda n: f"潜在客户{n}有限公司")
    contact_name = "王主任"
    source = "referral"


class LeadFollowUpFactory(DjangoModelFactory):
    class Meta:
        model = "leads.LeadFollowUp"

    lead = factory.SubFactory(LeadFactory)
    at = factory.LazyFunction(lambda: datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
    kind = "call"
    content = "电话沟通了采购计划"
    actor = factory.LazyAttribute(lambda o: o.lead.owner)
