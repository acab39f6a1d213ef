"""Leads on the account timeline: raised, followed up, converted — in order, paged by time."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from kam.leads.enums import BantStatus
from kam.leads.services.conversion import lead_convert
from kam.leads.services.leads import lead_create, lead_follow_up_add
from tests.conftest import client_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_lead_raised_followed_up_and_converted_on_the_account_timeline(rep):
    account = AccountFactory(owner=rep, name="西安热电厂")
    lead = lead_create(
        actor=rep,
        data={"company_name": "西安热电厂", "source": "referral", "account": account,
              **dict.fromkeys(("budget", "authority", "need", "timeline"), BantStatus.CONFIRMED)},
    )  # fmt: skip
    lead_follow_up_add(
        lead=lead, actor=rep, kind="visit", content="确认锅炉改造预算",
        at=datetime(2026, 11, 2, 2, 0, tzinfo=UTC),
    )  # fmt: skip
    lead.refresh_from_db()
    lead_convert(lead=lead, actor=rep, version=lead.version, data={"name": "锅炉改造"})

    body = (
        client_for(rep)
        .get(reverse("interactions:for_account", args=[account.pk]), HTTP_HX_REQUEST="true")
        .content.decode()
    )

    assert "新线索“西安热电厂”（转介绍）" in body
    assert "拜访跟进线索“西安热电厂”" in body
    assert "转化为商机“锅炉改造”" in body
    # Newest first: the conversion comes before the raising of the lead.
    assert body.index("转化为商机") < body.index("新线索")
