from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kam.accounts.models import Account
from kam.accounts.rules import account_visibility_q
from kam.contacts.enums import DecisionRole
from kam.opportunities.enums import ForecastCategory, MoveChannel, TeamRole
from kam.opportunities.models import Opportunity, StageMove
from kam.opportunities.services.moves import GateRefused, opportunity_move
from kam.opportunities.services.opportunities import (
    opportunity_create,
    opportunity_lines_replace,
    opportunity_team_add,
    opportunity_update,
)
from tests.factories import ContactFactory


def _create(rep, account, process, product, **data):
    return opportunity_create(
        account=account,
        actor=rep,
        process=process,
        data={"name": "二期扩容", **data},
        lines=[{"product": product.pk, "quantity": "3", "discount_rate": "10"}],
    )


def test_create_computes_amount_number_team_and_first_move(
    rep, rep_account, gated_process, product
):
    process, stages = gated_process
    opportunity = _create(rep, rep_account, process, product)

    assert opportunity.amount == Decimal("27000.00")  # 3 × 10000 × 90%
    assert opportunity.number.startswith("SJ") and opportunity.number.endswith(
        f"{opportunity.pk:06d}"
    )
    assert opportunity.stage == stages["lead"]
    assert opportunity.probability == 10
    assert list(opportunity.team_members.values_list("user", "role")) == [
        (rep.pk, TeamRole.ACCOUNT_MANAGER)
    ]
    (move,) = StageMove.objects.filter(opportunity=opportunity)
    assert move.from_stage is None and move.to_stage == stages["lead"]


def test_bad_line_names_its_row_and_saves_nothing(rep, rep_account, gated_process, product):
    process, _stages = gated_process
    with pytest.raises(ValidationError) as error:
        opportunity_create(
            account=rep_account, actor=rep, process=process, data={"name": "x"},
            lines=[{"product": product.pk, "quantity": "1"},
                   {"product": product.pk, "quantity": "0"}],
        )  # fmt: skip
    assert "第 2 行" in str(error.value.message_dict["lines"])
    assert not Opportunity.objects.exists()


def test_float_money_is_a_programming_error(rep, rep_account, gated_process, product):
    process, _stages = gated_process
    with pytest.raises(TypeError):
        opportunity_create(
            account=rep_account, actor=rep, process=process, data={"name": "x"},
            lines=[{"product": product.pk, "quantity": 1.5}],
        )  # fmt: skip


def test_lines_replace_keeps_amount_equal_to_sum_of_lines(rep, rep_account, gated_process, product):
    process, _stages = gated_process
    opportunity = _create(rep, rep_account, process, product)
    opportunity = opportunity_lines_replace(
        opportunity=opportunity, actor=rep, version=opportunity.version,
        lines=[
            {"product": product.pk, "quantity": "1", "unit_price": "0.05", "discount_rate": "50"},
            {"product": product.pk, "quantity": "1", "unit_price": "0.05", "discount_rate": "50"},
        ],
    )  # fmt: skip
    amounts = list(opportunity.lines.values_list("amount", flat=True))
    assert amounts == [Decimal("0.03"), Decimal("0.03")]  # half-up per line
    assert opportunity.amount == sum(amounts)


def test_stale_edit_is_refused(rep, manager, rep_account, gated_process, product):
    process, _stages = gated_process
    opportunity = _create(rep, rep_account, process, product)
    stale = opportunity.version
    opportunity_update(opportunity=opportunity, actor=manager, version=stale, changes={"name": "A"})
    with pytest.raises(ValidationError, match="已被他人修改"):
        opportunity_update(opportunity=opportunity, actor=rep, version=stale, changes={"name": "B"})
    opportunity.refresh_from_db()
    assert opportunity.name == "A"


def test_gate_refuses_with_the_exact_missing_list(rep, rep_account, gated_process, product):
    process, stages = gated_process
    opportunity = _create(rep, rep_account, process, product)

    with pytest.raises(GateRefused) as refused:
        opportunity_move(
            opportunity=opportunity, to_stage=stages["bid"], actor=rep, version=opportunity.version
        )
    assert [(m.stage, m.code) for m in refused.value.missing] == [
        ("线索", "expected_sign_date"),
        ("方案", "decision_maker_mapped"),
    ]
    opportunity.refresh_from_db()
    assert opportunity.stage == stages["lead"]


def test_jump_passes_once_every_gate_between_is_met(rep, rep_account, gated_process, product):
    process, stages = gated_process
    opportunity = _create(rep, rep_account, process, product, expected_sign_date=date(2027, 3, 1))
    ContactFactory(account=rep_account, decision_role=DecisionRole.DECISION_MAKER)

    move = opportunity_move(
        opportunity=opportunity, to_stage=stages["negotiate"], actor=rep,
        version=opportunity.version, channel=MoveChannel.KANBAN,
    )  # fmt: skip
    assert (move.from_stage, move.to_stage, move.bypassed) == (
        stages["lead"],
        stages["negotiate"],
        False,
    )
    opportunity.refresh_from_db()
    assert opportunity.probability == 90


def test_only_an_admin_bypasses_and_the_bypass_is_a_violation(
    rep, admin_user, rep_account, gated_process, product
):
    process, stages = gated_process
    opportunity = _create(rep, rep_account, process, product)
    with pytest.raises(PermissionDenied):
        opportunity_move(
            opportunity=opportunity, to_stage=stages["bid"], actor=rep,
            version=opportunity.version, bypass_reason="客户催得急",
        )  # fmt: skip
    move = opportunity_move(
        opportunity=opportunity, to_stage=stages["bid"], actor=admin_user,
        version=opportunity.version, bypass_reason="总经理特批",
    )  # fmt: skip
    assert move.bypassed and move.owner == rep
    assert {m["code"] for m in move.missing} == {"expected_sign_date", "decision_maker_mapped"}


def test_closing_needs_a_reason_and_sets_the_forecast(rep, rep_account, gated_process, product):
    process, stages = gated_process
    opportunity = _create(rep, rep_account, process, product)
    with pytest.raises(ValidationError, match="原因"):
        opportunity_move(
            opportunity=opportunity, to_stage=stages["lost"], actor=rep, version=opportunity.version
        )
    opportunity_move(
        opportunity=opportunity, to_stage=stages["lost"], actor=rep,
        version=opportunity.version, close_reason="price",
    )  # fmt: skip
    opportunity.refresh_from_db()
    assert opportunity.forecast_category == ForecastCategory.OMITTED
    assert opportunity.closed_at is not None and opportunity.probability == 0


def test_other_team_cannot_move(other_rep, rep, rep_account, gated_process, product):
    process, stages = gated_process
    opportunity = _create(rep, rep_account, process, product)
    with pytest.raises(PermissionDenied):
        opportunity_move(
            opportunity=opportunity, to_stage=stages["lost"], actor=other_rep,
            version=opportunity.version, close_reason="price",
        )  # fmt: skip


def test_team_members_see_the_deal_and_its_account(
    rep, other_rep, other_manager, colleague, rep_account, gated_process, product
):
    process, _stages = gated_process
    opportunity = _create(rep, rep_account, process, product)
    visible = Account.objects.filter(account_visibility_q(other_rep)).filter(pk=rep_account.pk)
    assert not visible.exists()

    opportunity_team_add(
        opportunity=opportunity, actor=rep, user=other_rep, role=TeamRole.SOLUTION_MANAGER
    )

    for viewer in (other_rep, other_manager):  # and, through the reporting line, their manager
        assert Account.objects.filter(account_visibility_q(viewer), pk=rep_account.pk).exists()
    assert Opportunity.objects.filter(account_visibility_q(other_rep, "account__")).count() == 1
