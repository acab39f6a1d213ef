"""The demo has contracts at every stage, made through the real services."""

import pytest
from django.core.management import call_command

from kam.contracts.enums import ContractStatus
from kam.contracts.models import Contract
from kam.contracts.money import plan_difference

pytestmark = pytest.mark.django_db


def test_demo_contracts_cover_the_lifecycle():
    call_command("demo_load", stdout=None)
    statuses = set(Contract.objects.values_list("status", flat=True))
    assert set(ContractStatus.values) == statuses
    for contract in Contract.objects.prefetch_related("milestones"):
        amounts = [m.amount for m in contract.milestones.all()]
        assert amounts and plan_difference(contract.amount, amounts) == 0
    accepted = Contract.objects.filter(accepted_on__isnull=False).first()
    assert accepted is not None
    assert accepted.milestones.get(kind="acceptance").due_date == accepted.accepted_on
    call_command("demo_load", "--reset", stdout=None)
    assert Contract.objects.exists()
