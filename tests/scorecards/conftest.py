"""One of everything a scorecard counts, placed at a chosen time for a chosen rep."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import cast
from zoneinfo import ZoneInfo

import pytest

from kam.accounts.models import Account
from kam.billing.models import Allocation, Receipt
from kam.billing.services.common import milestone_money_sync
from kam.contracts.enums import ContractStatus, MilestoneKind, MilestoneTrigger
from kam.contracts.models import Contract, PaymentMilestone
from kam.intents.models import IntentChange
from kam.opportunities.models import Opportunity, Stage, StageMove
from kam.reviews.models import ReviewSheet
from kam.scorecards.selectors import period_resolve
from kam.users.models import User
from tests.factories import AccountFactory, InteractionFactory, OpportunityFactory

# A past week (Monday to Sunday) with five working days and no holiday.
WEEK_START = date(2026, 11, 2)
WEEK_END = date(2026, 11, 8)
IN_WEEK = datetime(2026, 11, 4, 3, 0, tzinfo=UTC)  # Wednesday 11:00 in Shanghai
BEFORE_WEEK = datetime(2026, 11, 1, 15, 0, tzinfo=UTC)  # Sunday 23:00 in Shanghai


def stages() -> dict[str, Stage]:
    ordered = list(Stage.objects.filter(process__is_default=True).order_by("order"))
    opens = [s for s in ordered if s.kind == "open"]
    return {
        "first": opens[0],
        "second": opens[1],
        "won": next(s for s in ordered if s.kind == "won"),
        "lost": next(s for s in ordered if s.kind == "lost"),
    }


def record(rep, at: datetime, *, won: str = "1234.56", open_amount: str = "1000.10") -> None:
    """For `rep` at `at`: a new A, a forward move, a bypass, a win, a loss, a visit, a sheet;
    and an open deal (pipeline counts whatever is open now)."""
    s = stages()
    account = AccountFactory(owner=rep)
    deal = cast(
        Opportunity, OpportunityFactory(account=account, owner=rep, amount=Decimal(open_amount))
    )
    IntentChange.objects.create(opportunity=deal, from_class="B", to_class="A", owner=rep,
                                team=rep.team, changed_at=at)  # fmt: skip
    forward = StageMove.objects.create(opportunity=deal, from_stage=s["first"],
                                       to_stage=s["second"], owner=rep, channel="form")  # fmt: skip
    bypass = StageMove.objects.create(opportunity=deal, from_stage=s["first"],
                                      to_stage=s["second"], owner=rep, channel="form",
                                      bypassed=True)  # fmt: skip
    StageMove.objects.filter(pk__in=[forward.pk, bypass.pk]).update(moved_at=at)
    OpportunityFactory(account=account, owner=rep, stage=s["won"], closed_at=at,
                       amount=Decimal(won))  # fmt: skip
    OpportunityFactory(account=account, owner=rep, stage=s["lost"], closed_at=at)
    InteractionFactory(account=account, created_by=rep, occurred_at=at)
    local_day = at.astimezone(ZoneInfo("Asia/Shanghai")).date()
    ReviewSheet.objects.get_or_create(
        rep=rep, day=local_day, defaults={"generated_at": at, "filed_at": at, "team": rep.team}
    )


def contract_with_plan(
    rep: User, plan: list[tuple[str, date]], status: str = ContractStatus.SIGNED
) -> list[PaymentMilestone]:
    """A contract owned by `rep` whose milestones are (amount, due date), written directly."""
    total = sum((Decimal(amount) for amount, _due in plan), Decimal("0.00"))
    contract = Contract.objects.create(
        account=cast(Account, AccountFactory(owner=rep)), name="测试合同", amount=total, owner=rep,
        created_by=rep, status=status,
    )  # fmt: skip
    return [
        PaymentMilestone.objects.create(
            contract=contract,
            position=position,
            kind=MilestoneKind.OTHER,
            amount=Decimal(amount),
            trigger=MilestoneTrigger.DATE,
            fixed_date=due,
            due_date=due,
        )
        for position, (amount, due) in enumerate(plan, start=1)
    ]


def collect(
    milestone: PaymentMilestone, amount: str, received_on: date, *, reversed_: bool = False
) -> Allocation:
    """A receipt of `amount` received on `received_on`, allocated in full to `milestone`;
    `reversed_` stamps it and its allocation the way reversing a receipt does."""
    contract = milestone.contract
    at = datetime(2026, 11, 20, tzinfo=UTC) if reversed_ else None
    receipt = Receipt.objects.create(
        account=contract.account, contract=contract, amount=Decimal(amount),
        received_on=received_on, method="bank_transfer", recorded_by=contract.owner,
        status="reversed" if reversed_ else "recorded",
        reversal_reason="重复登记" if reversed_ else "", reversed_at=at,
    )  # fmt: skip
    allocation = Allocation.objects.create(
        receipt=receipt, milestone=milestone, amount=Decimal(amount),
        allocated_by=contract.owner, reversed_at=at,
    )  # fmt: skip
    milestone_money_sync([milestone.pk])  # as the billing services do
    return allocation


@pytest.fixture
def week(manager):
    return period_resolve(viewer=manager, kind="custom", start=WEEK_START, end=WEEK_END)
