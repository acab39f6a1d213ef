"""A small process (open stages, won, lost) and a helper that makes a deal in it.

Amounts are set on the row directly: these tests are about reading forecasts, and the line-item
arithmetic that normally produces the amount is tested in tests/opportunities.
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from kam.opportunities.models import SalesProcess, Stage
from kam.users.models import User
from tests.factories import AccountFactory, OpportunityFactory

Q4_2026 = "2026Q4"
IN_Q4 = date(2026, 11, 20)
IN_Q1 = date(2027, 2, 10)


@pytest.fixture
def stages(db) -> dict[str, Stage]:
    process = SalesProcess.objects.create(code="forecast-test", name_zh="预测测试流程")
    out = {}
    for order, (code, kind, probability) in enumerate(
        [("lead", "open", 10), ("bid", "open", 60), ("won", "won", 100), ("lost", "lost", 0)],
        start=1,
    ):
        out[code] = Stage.objects.create(
            process=process, code=code, name_zh=code, order=order, kind=kind,
            default_probability=probability,
        )  # fmt: skip
    return out


@pytest.fixture
def deal(stages):
    """deal(owner, amount, probability=…, category=…, sign=…, won_at=…, lost=…, account=…)."""

    def make(
        owner: User,
        amount: str,
        *,
        probability: int = 50,
        category: str = "pipeline",
        sign: date | None = IN_Q4,
        won_at: datetime | None = None,
        lost: bool = False,
        account: Any = None,
    ) -> Any:
        stage = stages["bid"]
        closed_at = None
        if won_at is not None:
            stage, category, probability, closed_at = stages["won"], "closed", 100, won_at
        elif lost:
            stage, category, probability = stages["lost"], "omitted", 0
            closed_at = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
        return OpportunityFactory(
            account=account or AccountFactory(owner=owner),
            owner=owner,
            stage=stage,
            amount=Decimal(amount),
            probability=probability,
            forecast_category=category,
            expected_sign_date=sign,
            closed_at=closed_at,
        )

    return make
