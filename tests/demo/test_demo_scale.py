from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Max

from kam.accounts.models import Account
from kam.contacts.models import Contact
from kam.interactions.models import Interaction
from kam.search.models import SearchDocument
from kam.users.enums import Role
from kam.users.models import User
from tests.demo.test_demo_load import gb32100_valid

SCALE = ["--scale", "--accounts", "200", "--people", "1000", "--interactions", "4000"]


def scale_load(*extra: str) -> str:
    out = StringIO()
    call_command("demo_load", *SCALE, *extra, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def scaled_once(django_db_setup, django_db_blocker):
    """The small benchmark set, loaded once for this module and rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield scale_load()
        transaction.set_rollback(True)


@pytest.fixture
def scaled(scaled_once, db):
    return scaled_once


def test_demo_scale_creates_exact_counts(scaled):
    assert Account.objects.count() == 200
    assert Contact.objects.count() == 1000
    assert Interaction.objects.count() == 4000
    assert SearchDocument.objects.count() == 5200
    assert "拜访记录：4000/4000" in scaled


def test_demo_scale_creates_users_in_teams(scaled):
    reps = User.objects.filter(role=Role.ACCOUNT_MANAGER, username__startswith="s_rep")
    assert reps.count() == 200
    assert not reps.filter(manager=None).exists()
    assert not reps.exclude(team=F("manager__team")).exists()
    assert reps.values("team").distinct().count() == 20
    managers = User.objects.filter(role=Role.SALES_MANAGER, username__startswith="s_mgr")
    assert managers.count() == 20
    assert not managers.exclude(manager__role=Role.SALES_DIRECTOR).exists()
    # the demo logins exist too
    assert User.objects.filter(username__in=["gm", "rep1", "manager1"]).count() == 3


def test_demo_scale_writes_consistent_rows(scaled):
    codes = list(Account.objects.values_list("credit_code", flat=True))
    assert len(set(codes)) == 200 and all(code and gb32100_valid(code) for code in codes)
    assert Account.objects.filter(level="group").exists()
    assert Account.objects.filter(parent__level="group", level="province").exists()
    assert Account.objects.filter(owner=None, team=None).exists()
    assert not Account.objects.exclude(owner=None).exclude(team=F("owner__team")).exists()
    assert not Account.objects.annotate(n=Count("contacts")).filter(n=0).exists()
    assert (
        not Contact.objects.exclude(reports_to=None)
        .exclude(reports_to__account=F("account"))
        .exists()
    )
    accounts = Account.objects.annotate(latest=Max("interactions__occurred_at"))
    assert not accounts.exclude(latest=None).exclude(last_activity_at=F("latest")).exists()
    contacts = Contact.objects.annotate(latest=Max("interactions__occurred_at"))
    assert not contacts.exclude(latest=None).exclude(last_contact_at=F("latest")).exists()
    their = Interaction.their_participants.through.objects
    assert not their.exclude(contact__account_id=F("interaction__account_id")).exists()
    ours = Interaction.our_participants.through.objects
    assert ours.filter(user_id=F("interaction__created_by_id")).count() == 4000


def test_demo_scale_leaves_ids_usable(scaled):
    # ids were assigned by the load; the next ordinary insert must still get a fresh one
    account = Account.objects.create(
        name="新客户有限公司", name_normalized="新客户", industry="other", province="陕西",
        level="city",
    )  # fmt: skip
    assert account.pk > Account.objects.exclude(pk=account.pk).aggregate(top=Max("pk"))["top"]


def test_demo_scale_does_nothing_when_run_twice(scaled):
    output = scale_load()
    assert "已存在" in output
    assert Account.objects.count() == 200
