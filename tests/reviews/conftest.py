import pytest
from django.test import Client

from kam.reviews.selectors import rep_local_today
from kam.reviews.services.generation import review_sheet_generate
from kam.users.services import api_token_create
from tests.factories import AccountFactory, LeadFactory, OpportunityFactory


@pytest.fixture
def rep_deal(rep):
    return OpportunityFactory(account=AccountFactory(owner=rep, name="西安高新医院"), owner=rep,
                              name="影像云平台", intent_class="A")  # fmt: skip


@pytest.fixture
def rep_lead(rep):
    return LeadFactory(owner=rep, company_name="宝鸡重工有限公司", intent_class="B")


@pytest.fixture
def rep_sheet(rep, rep_deal, rep_lead):
    return review_sheet_generate(rep=rep, day=rep_local_today(rep))


BASE = "/api/reviews"


class Api:
    def __init__(self, user):
        _token, key = api_token_create(user=user, name="t")
        self.client = Client()
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def get(self, path, params=None):
        return self.client.get(f"{BASE}{path}", params or {}, **self.auth)

    def send(self, method, path, payload=None):
        call = getattr(self.client, method)
        return call(f"{BASE}{path}", payload or {}, content_type="application/json", **self.auth)
