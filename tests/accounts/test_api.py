import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kam.accounts.models import Account, AccountTeamMember
from kam.audit.models import FieldChange
from kam.users.services import api_token_create
from tests.accounts.helpers import credit_code, make_account

CODE = credit_code("91610000220530187")
BASE = "/api/accounts/"


@pytest.fixture
def api(client):
    def for_user(user):
        _token, key = api_token_create(user=user, name="t")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        return client

    return for_user


def _payload(**overrides):
    data = {
        "name": "西安市第一医院", "industry": "healthcare", "province": "陕西", "city": "西安",
        "level": "city",
    }  # fmt: skip
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_api_requires_a_token(client):
    assert client.get(BASE).status_code == 401


@pytest.mark.django_db
def test_api_list_filters_and_respects_visibility(api, rep, other_rep):
    make_account(name="陕西电信", owner=rep, industry="telecom")
    make_account(name="西安市第一医院", owner=rep, industry="healthcare")
    make_account(name="别人的客户", owner=other_rep, industry="telecom")
    client = api(rep)
    body = client.get(BASE).json()
    assert sorted(item["name"] for item in body["items"]) == ["西安市第一医院", "陕西电信"]
    assert body["next_offset"] is None
    body = client.get(BASE, {"industry": "telecom"}).json()
    assert [item["name"] for item in body["items"]] == ["陕西电信"]
    body = client.get(BASE, {"q": "中国电信陕西分公司"}).json()
    assert [item["name"] for item in body["items"]] == ["陕西电信"]
    body = client.get(BASE, {"owner_id": other_rep.pk}).json()
    assert body["items"] == []


@pytest.mark.django_db
def test_api_list_pages_with_limit_and_offset(api, rep):
    for name in ("甲", "乙", "丙"):
        make_account(name=f"{name}客户", owner=rep)
    client = api(rep)
    first = client.get(BASE, {"limit": 2, "sort": "name"}).json()
    assert len(first["items"]) == 2
    assert first["next_offset"] == 2
    second = client.get(BASE, {"limit": 2, "offset": 2, "sort": "name"}).json()
    assert len(second["items"]) == 1
    assert second["next_offset"] is None
    assert len(client.get(BASE, {"limit": 1000}).json()["items"]) == 3


@pytest.mark.django_db
def test_api_get_invisible_account_is_404(api, rep, other_rep):
    mine = make_account(owner=rep)
    theirs = make_account(owner=other_rep)
    client = api(rep)
    assert client.get(f"{BASE}{mine.pk}").json()["id"] == mine.pk
    assert client.get(f"{BASE}{theirs.pk}").status_code == 404


@pytest.mark.django_db
def test_api_create_defaults_owner_and_writes_history(api, rep):
    response = api(rep).post(
        BASE, _payload(credit_code=CODE.lower()), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    account = Account.objects.get(pk=body["id"])
    assert (account.owner, account.credit_code, body["credit_code"]) == (rep, CODE, CODE)
    assert account.grade_changes.count() == 1
    assert FieldChange.objects.filter(object_id=account.pk, field="name").exists()


@pytest.mark.django_db
def test_api_create_validation_errors_are_422(api, rep, other_rep):
    client = api(rep)
    bad_code = CODE[:-1] + ("0" if CODE[-1] != "0" else "1")
    response = client.post(
        BASE, _payload(credit_code=bad_code, industry="nope", owner_id=other_rep.pk),
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "校验位" in errors["credit_code"][0]
    assert "industry" in errors
    assert "owner_id" in errors
    assert not Account.objects.exists()


@pytest.mark.django_db
def test_api_create_duplicate_and_similar_name(api, rep):
    existing = make_account(name="陕西电信", owner=rep, credit_code=CODE)
    client = api(rep)
    response = client.post(
        BASE, _payload(name="完全不同", credit_code=CODE), content_type="application/json"
    )
    assert response.status_code == 422
    assert str(existing.pk) in response.json()["errors"]["credit_code"][0]
    response = client.post(
        BASE, _payload(name="中国电信陕西分公司"), content_type="application/json"
    )
    assert response.status_code == 422
    assert "confirm_not_duplicate" in response.json()["errors"]
    response = client.post(
        BASE, _payload(name="中国电信陕西分公司", confirm_not_duplicate=True),
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201


@pytest.mark.django_db
def test_api_patch_updates_with_version(api, rep):
    account = make_account(name="西安市第一医院", owner=rep)
    client = api(rep)
    response = client.patch(
        f"{BASE}{account.pk}", {"version": 0, "city": "咸阳", "grade": "A"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 1
    account.refresh_from_db()
    assert (account.city, account.grade, account.name) == ("咸阳", "A", "西安市第一医院")
    assert account.grade_changes.get().to_grade == "A"
    stale = client.patch(
        f"{BASE}{account.pk}", {"version": 0, "city": "宝鸡"}, content_type="application/json"
    )
    assert stale.status_code == 422
    assert "已被他人修改" in stale.json()["errors"]["__all__"][0]
    account.refresh_from_db()
    assert account.city == "咸阳"


@pytest.mark.django_db
def test_api_patch_by_team_member_is_403_and_by_stranger_404(api, rep, other_rep, solution_manager):
    account = make_account(owner=rep, city="西安")
    AccountTeamMember.objects.create(account=account, user=solution_manager, role="solution")
    response = api(solution_manager).patch(
        f"{BASE}{account.pk}", {"version": 0, "city": "宝鸡"}, content_type="application/json"
    )
    assert response.status_code == 403
    response = api(other_rep).patch(
        f"{BASE}{account.pk}", {"version": 0, "city": "宝鸡"}, content_type="application/json"
    )
    assert response.status_code == 404
    account.refresh_from_db()
    assert account.city == "西安"


@pytest.mark.django_db
def test_api_list_query_count_is_the_same_for_one_and_three_rows(
    api, rep, django_assert_num_queries
):
    client = api(rep)
    make_account(owner=rep)
    client.get(BASE)  # the first call stamps the token's last use
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(BASE).json()["items"]) == 1
    make_account(owner=rep)
    make_account(owner=rep)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(client.get(BASE).json()["items"]) == 3
