import pytest

from tests.factories import AccountFactory, ContactFactory, OpportunityFactory


@pytest.fixture
def rep_account(rep):
    return AccountFactory(owner=rep, name="陕西电信")


@pytest.fixture
def opportunity(rep_account, rep, director):
    return OpportunityFactory(account=rep_account, owner=rep, name="智慧园区项目")


@pytest.fixture
def guide(opportunity):
    """A level-2 guide at the account: what a bid approval needs."""
    return ContactFactory(account=opportunity.account, name="刘向导", guide_level=2)
