"""A rep's contract with a payment plan, and people of its account for the delivery chain."""

from typing import Any, cast

import pytest
from django.test import Client

from kam.contacts.models import Contact
from kam.contracts.models import Contract
from kam.delivery.models import DeliveryChainMember
from kam.delivery.services import delivery_member_add
from kam.users.models import User
from kam.users.services import api_token_create
from tests.contracts.conftest import make_contract, plan_template
from tests.factories import ContactFactory


def person(contract: Contract, name: str, **fields: Any) -> Contact:
    """A well-liked person (scores 4) of the contract's account unless told otherwise."""
    scores = {"closeness": 4, "solution_acceptance": 4, "price_acceptance": 4}
    return cast(Contact, ContactFactory(account=contract.account, name=name, **(scores | fields)))


def member(
    contract: Contract, contact: Contact, actor: User, role: str = "finance", **data: Any
) -> DeliveryChainMember:
    return delivery_member_add(
        contract=contract, contact=contact, actor=actor, data={"delivery_role": role, **data}
    )


def planned_contract(owner: User) -> Contract:
    """A draft with the 30/40/25/5 plan: four milestones to sign off."""
    return plan_template(make_contract(owner), owner)


@pytest.fixture
def contract(rep) -> Contract:
    return planned_contract(rep)


class Api:
    base = "/api/delivery"

    def __init__(self, user: User) -> None:
        _token, key = api_token_create(user=user, name="t")
        self.client = Client()
        self.auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def get(self, path: str) -> Any:
        return self.client.get(f"{self.base}{path}", **self.auth)

    def send(self, method: str, path: str, payload: Any = None) -> Any:
        call = getattr(self.client, method)
        return call(
            f"{self.base}{path}", payload or {}, content_type="application/json", **self.auth
        )
