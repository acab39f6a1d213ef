import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kam.accounts.enums import CoreField, VerificationMethod
from kam.accounts.models import Account, AccountTeamMember, CoreFieldVerification
from kam.accounts.services import (
    account_add_team_member,
    account_change_grade,
    account_change_owner,
    account_clear_personnel_flag,
    account_core_change_request,
    account_create,
    account_remove_team_member,
    account_update,
    account_verify_core_field,
)
from kam.audit.models import FieldChange
from kam.search.models import SearchDocument
from tests.accounts.helpers import credit_code, make_account

CODE = credit_code("91610000220530187")


def _create(actor, owner=None, **overrides):
    data = {
        "name": "西安市第一医院", "industry": "healthcare", "province": "陕西", "city": "西安",
        "level": "city", "owner": owner or actor,
    }  # fmt: skip
    data.update(overrides)
    return account_create(actor=actor, **data)


def _field_changes(account):
    return {c.field: c for c in FieldChange.objects.filter(object_id=account.pk)}


@pytest.mark.django_db
def test_account_create_writes_audit_history_and_search_document(rep):
    account = _create(rep, credit_code=CODE, grade="B")
    assert account.team == rep.team
    assert account.created_by == rep
    changes = _field_changes(account)
    assert changes["name"].new_value == "西安市第一医院"
    assert changes["credit_code"].new_value == CODE
    assert changes["owner"].new_value == str(rep)
    assert changes["grade"].new_value == "B 类"
    grade = account.grade_changes.get()
    assert (grade.from_grade, grade.to_grade, grade.actor) == ("", "B", rep)
    owner = account.owner_changes.get()
    assert (owner.from_owner, owner.to_owner) == (None, rep)
    assert SearchDocument.objects.filter(kind="account", object_id=account.pk).exists()


@pytest.mark.django_db
def test_account_create_refuses_a_duplicate_credit_code(rep, other_rep):
    existing = _create(other_rep, credit_code=CODE)
    with pytest.raises(ValidationError) as raised:
        _create(rep, name="另一家医院", credit_code=CODE)
    error = raised.value.error_dict["credit_code"][0]
    assert error.code == "duplicate_credit_code"
    assert error.params == {"account_id": existing.pk}
    assert str(existing.pk) in raised.value.message_dict["credit_code"][0]
    assert Account.objects.count() == 1


@pytest.mark.django_db
def test_account_create_refuses_a_similar_name_until_confirmed(rep):
    existing = make_account(name="陕西电信", owner=rep)
    with pytest.raises(ValidationError) as raised:
        _create(rep, name="中国电信陕西分公司", industry="telecom")
    error = raised.value.error_dict["confirm_not_duplicate"][0]
    assert error.params == {"account_ids": str(existing.pk)}
    assert Account.objects.count() == 1
    account = _create(rep, name="中国电信陕西分公司", confirm_not_duplicate=True)
    assert account.name_normalized == existing.name_normalized


@pytest.mark.django_db
def test_account_update_changes_fields_with_audit_and_version(rep):
    account = _create(rep)
    account_update(
        account=account, actor=rep, version=0,
        changes={"city": "咸阳", "status": "active", "grade": "A"},
    )  # fmt: skip
    account.refresh_from_db()
    assert (account.city, account.status, account.grade, account.version) == (
        "咸阳", "active", "A", 1,
    )  # fmt: skip
    city = FieldChange.objects.get(object_id=account.pk, field="city", old_value="西安")
    assert (city.new_value, city.actor) == ("咸阳", rep)
    assert account.grade_changes.first().to_grade == "A"
    assert account.grade_changes.count() == 2


@pytest.mark.django_db
def test_account_update_refuses_a_stale_version_and_writes_nothing(rep):
    account = _create(rep)
    account_update(account=account, actor=rep, version=0, changes={"city": "咸阳"})
    stale = Account.objects.get(pk=account.pk)
    stale.version = 0
    before = FieldChange.objects.count()
    with pytest.raises(ValidationError) as raised:
        account_update(account=stale, actor=rep, version=0, changes={"city": "宝鸡"})
    assert "已被他人修改" in raised.value.messages[0]
    account.refresh_from_db()
    assert account.city == "咸阳"
    assert FieldChange.objects.count() == before


@pytest.mark.django_db
def test_core_change_request_refuses_a_parent_cycle(rep):
    """Core fields change through a request (R-ACC-5), which runs the same checks as edits."""
    group = _create(rep, name="陕西建工集团", level="group")
    child = _create(rep, name="陕西建工第一建设", parent=group, confirm_not_duplicate=True)
    grandchild = _create(rep, name="陕西建工一建西安分部", parent=child, confirm_not_duplicate=True)
    with pytest.raises(ValidationError) as raised:
        account_core_change_request(
            account=group, actor=rep, changes={"parent": grandchild}, reason="调整隶属关系"
        )
    assert "循环" in raised.value.message_dict["parent"][0]
    with pytest.raises(ValidationError) as raised:
        account_core_change_request(
            account=group, actor=rep, changes={"parent": group}, reason="调整隶属关系"
        )
    assert "循环" in raised.value.message_dict["parent"][0]
    group.refresh_from_db()
    assert group.parent_id is None
    assert not group.approvals.exists()


@pytest.mark.django_db
def test_core_change_request_refuses_a_duplicate_credit_code(rep):
    _create(rep, credit_code=CODE)
    other = _create(rep, name="陕西省人民医院")
    with pytest.raises(ValidationError) as raised:
        account_core_change_request(
            account=other, actor=rep, changes={"credit_code": CODE}, reason="补录信用代码"
        )
    assert "已存在" in raised.value.message_dict["credit_code"][0]
    other.refresh_from_db()
    assert other.credit_code is None
    assert not other.approvals.exists()


@pytest.mark.django_db
def test_account_update_refuses_core_field_changes_but_accepts_them_unchanged(rep):
    account = _create(rep, credit_code=CODE)
    for field, value in (("name", "西安第一人民医院"), ("credit_code", None),
                         ("level", "province"), ("parent", account)):  # fmt: skip
        with pytest.raises(ValidationError) as raised:
            account_update(account=account, actor=rep, version=0, changes={field: value})
        assert raised.value.message_dict[field] == ["核心信息修改需要审批，请提交修改申请。"]
    unchanged = {"name": account.name, "credit_code": CODE, "level": "city", "parent": None}
    account_update(account=account, actor=rep, version=0, changes={**unchanged, "city": "咸阳"})
    account.refresh_from_db()
    assert (account.city, account.version, account.name) == ("咸阳", 1, "西安市第一医院")


@pytest.mark.django_db
def test_account_update_by_a_team_member_is_refused(rep, solution_manager):
    account = _create(rep)
    AccountTeamMember.objects.create(account=account, user=solution_manager, role="solution")
    with pytest.raises(PermissionDenied):
        account_update(account=account, actor=solution_manager, version=0, changes={"city": "x"})


@pytest.mark.django_db
def test_account_change_grade_writes_history(rep):
    account = _create(rep)
    account_change_grade(account=account, grade="A", reason="年采购额过亿", actor=rep)
    account.refresh_from_db()
    assert account.grade == "A"
    latest = account.grade_changes.first()
    assert (latest.from_grade, latest.to_grade, latest.reason) == ("C", "A", "年采购额过亿")
    assert FieldChange.objects.filter(
        object_id=account.pk, field="grade", new_value="A 类"
    ).exists()


@pytest.mark.django_db
def test_account_change_owner_moves_team_and_writes_history(rep, manager, other_rep, director):
    account = _create(rep)
    with pytest.raises(PermissionDenied):
        account_change_owner(account=account, owner=other_rep, reason="调整", actor=rep)
    account_change_owner(account=account, owner=other_rep, reason="区域调整", actor=director)
    account.refresh_from_db()
    assert account.owner == other_rep
    assert account.team == other_rep.team
    latest = account.owner_changes.first()
    assert (latest.from_owner, latest.to_owner, latest.actor) == (rep, other_rep, director)
    assert FieldChange.objects.filter(object_id=account.pk, field="team").exists()


@pytest.mark.django_db
def test_account_verify_core_field_keeps_the_current_value(rep):
    account = _create(rep, credit_code=CODE)
    verification = account_verify_core_field(
        account=account, field=CoreField.CREDIT_CODE, method=VerificationMethod.CREDIT_PORTAL,
        note="公示系统截图", actor=rep,
    )  # fmt: skip
    assert (verification.value, verification.verified_by) == (CODE, rep)
    with pytest.raises(ValidationError):
        account_verify_core_field(
            account=account, field=CoreField.PARENT, method="license", note="", actor=rep
        )
    assert CoreFieldVerification.objects.count() == 1


@pytest.mark.django_db
def test_account_team_members_add_and_remove(rep, solution_manager):
    account = _create(rep)
    member = account_add_team_member(
        account=account, user=solution_manager, role="solution", actor=rep
    )
    with pytest.raises(ValidationError):
        account_add_team_member(account=account, user=solution_manager, role="other", actor=rep)
    account_remove_team_member(member=member, actor=rep)
    assert not AccountTeamMember.objects.exists()


@pytest.mark.django_db
def test_account_clear_personnel_flag(rep):
    from django.utils import timezone

    account = _create(rep)
    Account.objects.filter(pk=account.pk).update(personnel_change_at=timezone.now())
    account.refresh_from_db()
    account_clear_personnel_flag(account=account, actor=rep)
    account.refresh_from_db()
    assert account.personnel_change_at is None
    assert FieldChange.objects.filter(object_id=account.pk, field="personnel_change_at").exists()
