from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from kam.accounts.models import Account
from kam.accounts.selectors import accounts_visible_to
from kam.contacts.models import Contact
from kam.demo.scale_search import SOURCES
from kam.interactions.models import Interaction
from kam.interactions.services import interaction_create
from kam.search.index import tsvector_text
from kam.search.models import SearchDocument
from kam.search.selectors import search_query
from kam.search.services import search_rebuild
from kam.search.terms import tokens
from kam.users.enums import Role
from kam.users.models import User
from tests.demo.test_demo_load import gb32100_valid

SCALE = [
    "--scale", "--accounts", "200", "--people", "1000", "--interactions", "4000",
    "--opportunities", "800", "--contracts", "200",
]  # fmt: skip


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
    assert SearchDocument.objects.filter(
        kind__in=["account", "contact", "interaction"]
    ).count() == (5200)
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


DOCUMENT_FIELDS = ("kind", "object_id", "account_id", "title", "body", "terms", "occurred_at")
KEY = ("kind", "object_id")


def test_demo_scale_writes_the_documents_a_rebuild_would(scaled):
    # the load writes search documents itself; they must be exactly what search_rebuild makes
    # (their ids differ: the load numbers them by creation time across kinds)
    loaded = list(SearchDocument.objects.order_by(*KEY).values_list(*DOCUMENT_FIELDS))
    loaded_index = _index_rows()
    assert len(loaded) == SearchDocument.objects.count() > 5200 + 800 + 200
    search_rebuild()
    rebuilt = list(SearchDocument.objects.order_by(*KEY).values_list(*DOCUMENT_FIELDS))
    assert loaded == rebuilt
    assert loaded_index == _index_rows()


def _index_rows() -> list[tuple]:
    """PostgreSQL: the tsvector of every document (written by the load, not the trigger)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsv::text FROM search_searchdocument ORDER BY kind, object_id")
        return cursor.fetchall()


def test_demo_scale_tsvector_text_matches_the_database_function(db):
    terms = " ".join(["采购", "购副", "副总", "总", "mes", "o'neil", "a\\b", "x"] * 3)
    if connection.vendor != "postgresql":
        assert tsvector_text(terms).startswith("'采购':1 '购副':2")
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_terms_tsvector(%s)::text, %s::tsvector::text, ''::tsvector::text",
            [terms, tsvector_text(terms)],
        )
        from_function, from_python, empty = cursor.fetchone()
    assert from_function == from_python
    assert tsvector_text("") == "" and empty == ""


def test_demo_scale_ids_follow_time(scaled):
    times = list(Interaction.objects.order_by("id").values_list("occurred_at", flat=True))
    assert times == sorted(times)


def test_demo_scale_document_ids_follow_creation_across_kinds(scaled):
    created = {
        (kind, pk): at
        for kind, (model, column) in SOURCES.items()
        for pk, at in model._default_manager.values_list("pk", column)
    }
    documents = list(SearchDocument.objects.order_by("id").values_list("id", "kind", "object_id"))
    times = [created[kind, object_id] for _id, kind, object_id in documents]
    assert times == sorted(times)
    assert [pk for pk, _kind, _object in documents] == list(range(1, len(documents) + 1))
    # the kinds interleave: the newest hundred documents are not all of one kind
    assert len({kind for _id, kind, _object in documents[-100:]}) > 1


def _a_word(interaction: Interaction) -> str:
    return next(token for token in tokens(interaction.content) if len(token) >= 4)[:4]


def test_demo_scale_search_finds_generated_text_for_gm(scaled):
    gm = User.objects.get(username="gm")
    interaction = Interaction.objects.order_by("-id").first()
    word = _a_word(interaction)
    results = search_query(user=gm, q=word, limit=20)
    assert len(results) == 20
    assert all(word in hit.title + hit.snippet for hit in results)
    # newest first: the newest interaction's document is the last one written
    assert (results.hits[0].kind, results.hits[0].object_id) == ("interaction", interaction.pk)


def test_demo_scale_search_respects_visibility_for_a_rep(scaled):
    rep = User.objects.filter(username__startswith="s_rep", owned_accounts__isnull=False).first()
    interaction = Interaction.objects.filter(account__owner=rep).order_by("-id").first()
    word = _a_word(interaction)
    results = search_query(user=rep, q=word, kinds=["interaction"], limit=100)
    visible = set(accounts_visible_to(rep).values_list("id", flat=True))
    assert results.hits and {hit.account_id for hit in results} <= visible
    # newest first among what the rep may see (the rep's own accounts and the pool)
    newest = (
        SearchDocument.objects.filter(kind="interaction", account_id__in=visible)
        .filter(Q(title__contains=word) | Q(body__contains=word))
        .order_by("-id")[0]
    )
    assert results.hits[0].id == newest.pk
    assert newest.object_id >= interaction.pk
    everyone = search_query(user=User.objects.get(username="gm"), q=word, limit=100)
    assert {hit.account_id for hit in everyone} - visible  # others' documents exist, unseen


def test_demo_scale_keeps_indexing_new_interactions(scaled):
    rep = User.objects.filter(username__startswith="s_rep", owned_accounts__isnull=False).first()
    account = Account.objects.filter(owner=rep).first()
    data = {
        "kind": "visit", "occurred_at": timezone.now(), "subject": "量子纠缠方案交流",
        "content": "客户对量子纠缠通信的试点很感兴趣", "reception_notes": "", "outcome": "",
        "next_step": "", "next_step_date": None, "accompanied": False, "accompanied_by": None,
    }  # fmt: skip
    created = interaction_create(account=account, actor=rep, data=data)
    hits = search_query(user=rep, q="纠缠通信", limit=5).hits
    assert [hit.object_id for hit in hits] == [created.pk]
    assert search_query(user=rep, q="量子纠缠", kinds=["interaction"], limit=5).hits
