import pytest

from kam.accounts.models import Account
from kam.contacts.models import Contact
from kam.demo.catalog import ACCOUNTS
from kam.interactions.models import Interaction
from kam.users.models import User
from tests.demo.test_demo_load import demo_load


@pytest.fixture
def demo(db):
    demo_load()


def test_demo_load_does_nothing_when_run_twice(demo):
    counts = (Account.objects.count(), Contact.objects.count(), Interaction.objects.count())
    output = demo_load()
    assert "已存在" in output
    assert (Account.objects.count(), Contact.objects.count(), Interaction.objects.count()) == counts
    assert User.objects.count() == 12


def test_demo_load_reset_regenerates_the_same_data(demo):
    before = sorted(Contact.objects.values_list("account__name", "name", "title"))
    interactions = Interaction.objects.count()
    output = demo_load("--reset")
    assert f"已删除 {len(ACCOUNTS)} 个演示客户" in output
    assert sorted(Contact.objects.values_list("account__name", "name", "title")) == before
    assert Interaction.objects.count() == interactions
    assert Account.objects.count() == len(ACCOUNTS)


def test_demo_load_differs_when_seed_differs(demo):
    before = set(Contact.objects.values_list("name", flat=True))
    demo_load("--reset", "--seed", "7")
    assert set(Contact.objects.values_list("name", flat=True)) != before
    assert Contact.objects.filter(name="张伟").exists()
