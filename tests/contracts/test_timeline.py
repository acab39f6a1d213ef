"""Contract events on the account timeline."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kam.contracts.services.contracts import contract_record_delivery
from kam.interactions.selectors import account_timeline

pytestmark = pytest.mark.django_db


def test_contract_events_reach_the_account_timeline(rep, signed):
    on = timezone.localdate() - timedelta(days=1)
    contract_record_delivery(contract=signed, actor=rep, version=signed.version, on=on)
    titles = [i.title for i in account_timeline(account=signed.account) if i.kind == "contract"]
    assert f"创建了合同“{signed.name}”" in titles
    assert f"合同“{signed.name}”：草稿 → 审批中" in titles
    assert f"合同“{signed.name}”：审批中 → 已签订" in titles
    assert any("登记到货" in title for title in titles)
