import pytest

from tests.factories import LeadFactory

CONFIRMED = {"budget": "confirmed", "authority": "confirmed", "need": "confirmed",
             "timeline": "confirmed"}  # fmt: skip


@pytest.fixture
def rep_lead(rep):
    return LeadFactory(owner=rep, company_name="西安新材料科技有限公司", intent_class="A",
                       scenario="continuous")  # fmt: skip


@pytest.fixture
def qualified_lead(rep):
    return LeadFactory(owner=rep, company_name="宝鸡重工有限公司", intent_class="B", **CONFIRMED)


NEW_ACCOUNT = {"industry": "manufacturing", "province": "陕西", "level": "city"}
