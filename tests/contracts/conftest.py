"""Contracts for page, API and permission tests: a rep's draft, planned, and signed ones."""

from datetime import timedelta
from decimal import Decimal
from typing import Any, cast

import pytest
from django.test import Client
from django.utils import timezone

from kam.accounts.models import Account
from kam.approvals.services import approval_approve
from kam.billing.services.receipts import receipt_allocate, receipt_record
from kam.contracts.models import Contract
from kam.contracts.services.contracts import contract_create
from kam.contracts.services.plans import payment_plan_replace, payment_plan_template_rows
from kam.contracts.services.signing import contract_submit
from kam.opportunities.models import Opportunity, Stage
from kam.users.models import User
from kam.users.services import api_token_create
from tests.factories import AccountFactory, OpportunityFactory


def make_contract(owner: User, name: str = "锅炉改造合同", amount: str = "100000.00") -> Contract:
    account = cast(Account, AccountFactory(owner=owner))
    return contract_create(account=account, actor=owner, data={"name": name, "amount": amount})


def plan_template(contract: Contract, actor: User, code: str = "30/40/25/5") -> Contract:
    payment_plan_replace(
        contract=contract,
        actor=actor,
        version=contract.version,
        rows=payment_plan_template_rows(code),
    )
    contract.refresh_from_db()
    return contract


def sign(contract: Contract, rep: User, approvers: list[User]) -> Contract:
    plan_template(contract, rep)
    approval = contract_submit(
        contract=contract,
        actor=rep,
        version=contract.version,
        signed_on=timezone.localdate() - timedelta(days=30),
    )
    for approver in approvers:
        approval.refresh_from_db()
        approval_approve(approval=approval, actor=approver, version=approval.version, comment="")
    contract.refresh_from_db()
    return contract


def pay_all(contract: Contract, finance: User) -> None:
    """Finance records the whole amount and allocates it to every milestone."""
    receipt = receipt_record(
        account=contract.account, actor=finance,
        data={"amount": contract.amount, "received_on": timezone.localdate(),
              "method": "bank_transfer", "contract": contract},
    )  # fmt: skip
    receipt_allocate(
        receipt=receipt, actor=finance, version=receipt.version,
        allocations=[(m, m.amount) for m in contract.milestones.all()],
    )  # fmt: skip


def won_opportunity(owner: User) -> Opportunity:
    opportunity = cast(
        Opportunity,
        OpportunityFactory(account=AccountFactory(owner=owner), amount=Decimal("500000.00")),
    )
    opportunity.stage = Stage.objects.get(process=opportunity.process, kind="won")
    opportunity.save(update_fields=["stage"])
    return opportunity


@pytest.fixture
def contract(rep) -> Contract:
    return make_contract(rep)


@pytest.fixture
def signed(rep, manager, director, finance) -> Contract:
    return sign(make_contract(rep, "已签合同"), rep, [manager, director, finance])


class Api:
    base = "/api/contracts"

    def __init__(self, user: User) -> None:
        _token, key = api_token_create(user=user, name="t")
        self.client = Client()
        self.auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(f"{self.base}{path}", params or {}, **self.auth)

    def send(self, method: str, path: str, payload: Any = None) -> Any:
        call = getattr(self.client, method)
        return call(
            f"{self.base}{path}", payload or {}, content_type="application/json", **self.auth
        )
