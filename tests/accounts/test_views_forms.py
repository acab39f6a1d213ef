"""Creating, editing and the detail page's forms for accounts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kam.accounts.models import Account, AccountTeamMember, CoreFieldVerification
from kam.audit.models import FieldChange
from tests.accounts.helpers import credit_code, make_account
from tests.conftest import client_for

CODE = credit_code("91610000220530187")


def _form_data(**overrides):
    data = {
        "name": "西安市第一医院", "credit_code": "", "industry": "healthcare", "province": "陕西",
        "city": "西安", "level": "city", "grade": "C", "status": "prospect",
        "purchase_scenario": "continuous", "size": "", "website": "", "description": "",
    }  # fmt: skip
    data.update(overrides)
    return data


# ---- create / edit ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_form_defaults_owner_to_the_creator(rep):
    response = client_for(rep).get(reverse("accounts:create"))
    assert response.status_code == 200
    assert response.context["form"]["owner"].value() == rep.pk


@pytest.mark.django_db
def test_create_saves_and_redirects(rep):
    response = client_for(rep).post(
        reverse("accounts:create"), _form_data(credit_code=CODE.lower(), owner=rep.pk)
    )
    account = Account.objects.get()
    assert response.status_code == 302
    assert response["Location"] == account.get_absolute_url()
    assert (account.owner, account.team, account.credit_code) == (rep, rep.team, CODE)
    assert account.grade_changes.count() == 1


@pytest.mark.django_db
def test_create_with_a_bad_credit_code_shows_a_field_error(rep):
    bad = CODE[:-1] + ("0" if CODE[-1] != "0" else "1")
    response = client_for(rep).post(
        reverse("accounts:create"), _form_data(credit_code=bad, owner=rep.pk)
    )
    assert response.status_code == 200
    assert "校验位" in response.context["form"].errors["credit_code"][0]
    assert not Account.objects.exists()


@pytest.mark.django_db
def test_create_cannot_pick_an_owner_outside_the_scope(rep, other_rep):
    response = client_for(rep).post(reverse("accounts:create"), _form_data(owner=other_rep.pk))
    assert "owner" in response.context["form"].errors
    assert not Account.objects.exists()


@pytest.mark.django_db
def test_create_duplicate_credit_code_links_a_visible_account(rep):
    existing = make_account(name="陕西电信", owner=rep, credit_code=CODE)
    response = client_for(rep).post(
        reverse("accounts:create"),
        _form_data(name="完全不同的名字", credit_code=CODE, owner=rep.pk),
    )
    assert response.context["form"].errors["credit_code"]
    assert existing.get_absolute_url() in response.text
    assert Account.objects.count() == 1


@pytest.mark.django_db
def test_create_duplicate_credit_code_of_an_invisible_account_does_not_leak_it(rep, other_rep):
    existing = make_account(name="秘密客户", owner=other_rep, credit_code=CODE)
    response = client_for(rep).post(
        reverse("accounts:create"),
        _form_data(name="完全不同的名字", credit_code=CODE, owner=rep.pk),
    )
    assert "已存在于系统中（归属其他客户经理）" in response.text
    assert "秘密客户" not in response.text
    assert existing.get_absolute_url() not in response.text
    assert Account.objects.count() == 1


@pytest.mark.django_db
def test_create_long_name_warns_about_shaanxi_telecom(rep):
    make_account(name="陕西电信", owner=rep, industry="telecom")
    client = client_for(rep)
    data = _form_data(name="中国电信陕西分公司", industry="telecom", owner=rep.pk)
    response = client.post(reverse("accounts:create"), data)
    assert 'data-testid="similar-names"' in response.text
    assert "陕西电信" in response.text
    assert "确认不是同一客户" in response.text
    assert Account.objects.count() == 1
    response = client.post(reverse("accounts:create"), {**data, "confirm_not_duplicate": "on"})
    assert response.status_code == 302
    assert Account.objects.filter(name="中国电信陕西分公司").exists()


@pytest.mark.django_db
def test_create_short_name_warns_about_the_long_one(rep):
    make_account(name="中国电信陕西分公司", owner=rep, industry="telecom")
    response = client_for(rep).post(
        reverse("accounts:create"), _form_data(name="陕西电信", industry="telecom", owner=rep.pk)
    )
    assert 'data-testid="similar-names"' in response.text
    assert "中国电信陕西分公司" in response.text
    assert Account.objects.count() == 1


@pytest.mark.django_db
def test_create_similar_to_an_invisible_account_hides_its_name(rep, other_rep):
    make_account(name="陕西电信", owner=other_rep)
    response = client_for(rep).post(
        reverse("accounts:create"), _form_data(name="中国电信陕西分公司", owner=rep.pk)
    )
    assert "一个相近名称的客户（归属其他客户经理）" in response.text
    assert str(other_rep) in response.text


@pytest.mark.django_db
def test_edit_saves_with_version_and_audit(rep):
    account = make_account(name="西安市第一医院", owner=rep)
    client = client_for(rep)
    form = client.get(reverse("accounts:edit", args=[account.pk]))
    assert form.context["form"]["version"].value() == 0
    response = client.post(
        reverse("accounts:edit", args=[account.pk]),
        _form_data(city="咸阳", version=0, status="active"),
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.city, account.status, account.version) == ("咸阳", "active", 1)
    assert FieldChange.objects.filter(object_id=account.pk, field="city", new_value="咸阳").exists()


@pytest.mark.django_db
def test_edit_with_a_stale_version_is_refused(rep):
    account = make_account(name="西安市第一医院", owner=rep)
    Account.objects.filter(pk=account.pk).update(version=3)
    response = client_for(rep).post(
        reverse("accounts:edit", args=[account.pk]), _form_data(city="咸阳", version=2)
    )
    assert response.status_code == 200
    assert "已被他人修改" in response.text
    account.refresh_from_db()
    assert account.city == "西安"


@pytest.mark.django_db
def test_manager_edits_a_reps_account(rep, manager):
    account = make_account(name="西安市第一医院", owner=rep)
    response = client_for(manager).post(
        reverse("accounts:edit", args=[account.pk]), _form_data(city="宝鸡", version=0)
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.city == "宝鸡"


# ---- detail ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_detail_shows_core_fields_tree_and_history(rep, other_rep):
    group = make_account(name="中国电信集团", owner=rep, level="group")
    province = make_account(name="陕西电信", owner=rep, level="province", parent=group)
    make_account(name="西安电信", owner=rep, level="city", parent=province)
    make_account(name="宝鸡电信秘密", owner=other_rep, level="city", parent=province)
    client = client_for(rep)
    response = client.get(province.get_absolute_url())
    text = response.text
    assert "未核实" in text
    tree = response.context["tree"]
    assert [n.name for n in tree] == ["中国电信集团"]
    assert [n.name for n in tree[0].children] == ["陕西电信"]
    assert tree[0].children[0].current
    assert [n.name for n in tree[0].children[0].children] == ["西安电信"]
    assert "宝鸡电信秘密" not in text
    assert 'class="current"' in text


@pytest.mark.django_db
def test_detail_records_a_verification(rep):
    account = make_account(name="陕西电信", owner=rep, credit_code=CODE)
    client = client_for(rep)
    response = client.post(
        reverse("accounts:verify", args=[account.pk]),
        {"field": "credit_code", "method": "license", "note": "营业执照复印件"},
    )
    assert response.status_code == 302
    verification = CoreFieldVerification.objects.get()
    assert (verification.value, verification.verified_by) == (CODE, rep)
    text = client.get(account.get_absolute_url()).text
    assert "营业执照复印件" in text
    assert "已核实" in text


@pytest.mark.django_db
def test_detail_grade_change_and_history(rep):
    account = make_account(name="陕西电信", owner=rep)
    client = client_for(rep)
    response = client.post(
        reverse("accounts:change_grade", args=[account.pk]),
        {"grade": "A", "reason": "战略客户", "version": 0},
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.grade == "A"
    history = client.get(
        reverse("accounts:history", args=[account.pk]), headers={"HX-Request": "true"}
    )
    assert "战略客户" in history.text


@pytest.mark.django_db
def test_owner_change_only_by_managers(rep, colleague, manager):
    account = make_account(name="陕西电信", owner=rep)
    data = {"owner": colleague.pk, "reason": "工作交接", "version": 0}
    assert (
        client_for(rep).post(reverse("accounts:change_owner", args=[account.pk]), data).status_code
        == 403
    )
    assert 'data-testid="owner-section"' in client_for(rep).get(account.get_absolute_url()).text
    response = client_for(manager).post(reverse("accounts:change_owner", args=[account.pk]), data)
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.owner == colleague
    assert account.owner_changes.first().reason == "工作交接"


@pytest.mark.django_db
def test_team_member_add_and_remove_from_detail(rep, solution_manager):
    account = make_account(name="陕西电信", owner=rep)
    client = client_for(rep)
    client.post(
        reverse("accounts:member_add", args=[account.pk]),
        {"user": solution_manager.pk, "role": "solution"},
    )
    member = AccountTeamMember.objects.get(account=account)
    assert member.user == solution_manager
    assert str(solution_manager) in client.get(account.get_absolute_url()).text
    client.post(reverse("accounts:member_remove", args=[account.pk, member.pk]))
    assert not AccountTeamMember.objects.exists()


@pytest.mark.django_db
def test_personnel_flag_banner_and_clear(rep):
    account = make_account(name="陕西电信", owner=rep, personnel_change_at=timezone.now())
    client = client_for(rep)
    assert 'data-testid="personnel-flag"' in client.get(account.get_absolute_url()).text
    response = client.post(reverse("accounts:personnel_flag_clear", args=[account.pk]))
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.personnel_change_at is None
    assert 'data-testid="personnel-flag"' not in client.get(account.get_absolute_url()).text


@pytest.mark.django_db
def test_parent_options_lists_only_visible_higher_level_accounts(rep, other_rep):
    make_account(name="中国电信集团", owner=rep, level="group")
    make_account(name="电信区县分局", owner=rep, level="district")
    make_account(name="别人的电信集团", owner=other_rep, level="group")
    response = client_for(rep).get(reverse("accounts:parent_options"), {"parent_search": "电信"})
    assert "中国电信集团" in response.text
    assert "电信区县分局" not in response.text
    assert "别人的电信集团" not in response.text


@pytest.mark.django_db
def test_create_with_parent_and_invisible_parent_is_refused(rep, other_rep):
    group = make_account(name="中国电信集团", owner=rep, level="group")
    hidden = make_account(name="别人的集团", owner=other_rep, level="group")
    client = client_for(rep)
    response = client.post(
        reverse("accounts:create"),
        _form_data(name="陕西建工", owner=rep.pk, parent=hidden.pk, level="province"),
    )
    assert "parent" in response.context["form"].errors
    assert "别人的集团" not in response.text
    response = client.post(
        reverse("accounts:create"),
        _form_data(name="陕西建工", owner=rep.pk, parent=group.pk, level="province"),
    )
    assert response.status_code == 302
    assert Account.objects.get(name="陕西建工").parent == group


@pytest.mark.django_db
def test_detail_query_count_does_not_grow_with_the_group(rep, django_assert_num_queries):
    group = make_account(name="中国电信集团", owner=rep, level="group")
    account = make_account(name="陕西电信", owner=rep, level="province", parent=group)
    make_account(name="西安电信", owner=rep, level="city", parent=account)
    client = client_for(rep)
    client.get(account.get_absolute_url())
    with CaptureQueriesContext(connection) as small:
        client.get(account.get_absolute_url())
    for name in ("宝鸡电信", "咸阳电信"):
        make_account(name=name, owner=rep, level="city", parent=account)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(account.get_absolute_url())
    assert len(response.context["tree"][0].children[0].children) == 3
