"""Sign-offs on the account timeline."""

import pytest
from django.utils import timezone

from kam.delivery.services import delivery_member_record_signoff
from kam.interactions.selectors import account_timeline
from tests.delivery.conftest import member, person

pytestmark = pytest.mark.django_db


def test_signoffs_reach_the_account_timeline(rep, contract):
    added = member(contract, person(contract, "钱财务"), rep)
    assert not [i for i in account_timeline(account=contract.account) if i.kind == "delivery"]
    delivery_member_record_signoff(
        member=added, actor=rep, version=0, status="refused", on=timezone.localdate(),
        note="发票抬头不对",
    )  # fmt: skip
    items = [i for i in account_timeline(account=contract.account) if i.kind == "delivery"]
    assert [i.title for i in items] == [f"钱财务 对合同“{contract.name}”：拒绝签核"]
    assert items[0].detail == "发票抬头不对" and items[0].actor == str(rep)
    assert items[0].url == f"/delivery/contract/{contract.pk}/"
