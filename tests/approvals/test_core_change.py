"""R-ACC-5 end to end: core fields of an existing account change only through an approval."""

import pytest
from django.urls import reverse

from kam.accounts.enums import VerificationMethod
from kam.accounts.models import Account, CoreFieldVerification
from kam.accounts.services import account_core_change_request
from kam.accounts.validators import credit_code_check_char
from kam.approvals.models import Approval
from kam.approvals.services import approval_approve, approval_reject
from kam.audit.models import FieldChange
from kam.notifications.models import Notification
from tests.conftest import client_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

CODE = "91610000220530187" + credit_code_check_char("91610000220530187")


def _form(account, **overrides):
    data = {
        "name": account.name,
        "credit_code": account.credit_code or "",
        "parent": "",
        "level": account.level,
        "reason": "客户更名，已取得新营业执照",
    }
    data.update(overrides)
    return data


def test_request_page_then_approval_changes_the_account_with_verification_and_audit(
    rep, manager, director
):
    account = AccountFactory(name="西安市第一医院", owner=rep)
    client = client_for(rep)
    edit = client.get(reverse("accounts:edit", args=[account.pk]))
    assert edit.context["form"].fields["name"].disabled
    assert reverse("accounts:core_change", args=[account.pk]) in edit.text
    response = client.post(
        reverse("accounts:core_change", args=[account.pk]),
        _form(account, name="西安市第一人民医院", credit_code=CODE),
    )
    approval = Approval.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("approvals:detail", args=[approval.pk])
    assert approval.type_code == "account_core_change"
    assert approval.payload["changes"] == {"name": "西安市第一人民医院", "credit_code": CODE}
    assert approval.payload["reason"] == "客户更名，已取得新营业执照"
    account.refresh_from_db()
    assert (account.name, account.credit_code) == ("西安市第一医院", None)
    assert Notification.objects.filter(recipient=manager, kind="approval_pending").exists()
    page = client_for(manager).get(reverse("approvals:detail", args=[approval.pk]))
    assert "西安市第一医院" in page.text and "西安市第一人民医院" in page.text  # old → new

    approval_approve(approval=approval, actor=manager, version=approval.version)
    approval_approve(approval=approval, actor=director, version=approval.version)
    account.refresh_from_db()
    assert (account.name, account.credit_code) == ("西安市第一人民医院", CODE)
    verification = CoreFieldVerification.objects.get(account=account, field="name")
    assert verification.method == VerificationMethod.APPROVAL
    assert (verification.value, verification.verified_by) == ("西安市第一人民医院", director)
    assert CoreFieldVerification.objects.filter(account=account, field="credit_code").exists()
    assert FieldChange.objects.filter(
        object_id=account.pk,
        field="name",
        old_value="西安市第一医院",
        new_value="西安市第一人民医院",
        actor=director,
    ).exists()


def test_rejected_request_leaves_the_account_unchanged(rep, manager):
    account = AccountFactory(name="西安市第一医院", owner=rep, level="city")
    approval = account_core_change_request(
        account=account, actor=rep, changes={"level": "province"}, reason="升格"
    )
    approval_reject(approval=approval, actor=manager, version=approval.version, comment="依据不足")
    account.refresh_from_db()
    assert account.level == "city"
    assert not CoreFieldVerification.objects.exists()
    assert Notification.objects.filter(recipient=rep, kind="approval_decided").exists()


def test_edit_page_cannot_change_core_fields(rep):
    account = AccountFactory(name="西安市第一医院", owner=rep)
    response = client_for(rep).post(
        reverse("accounts:edit", args=[account.pk]),
        {
            "name": "改名了",
            "industry": account.industry,
            "province": account.province,
            "city": "咸阳",
            "level": "group",
            "status": "active",
            "version": 0,
        },
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.name, account.level, account.city) == ("西安市第一医院", "city", "咸阳")


def test_request_page_validates_and_refuses_a_second_pending_request(rep, other_rep):
    account = AccountFactory(name="西安市第一医院", owner=rep)
    client = client_for(rep)
    url = reverse("accounts:core_change", args=[account.pk])
    bad = client.post(url, _form(account, credit_code="91610000220530180"))
    assert bad.status_code == 200
    assert "校验位" in bad.text
    unchanged = client.post(url, _form(account))
    assert "没有需要修改的核心信息" in unchanged.text
    assert client.post(url, _form(account, name="新名称")).status_code == 302
    again = client.post(url, _form(account, name="又一个名称"))
    assert "已有审批中的同类申请" in again.text
    assert Approval.objects.count() == 1
    assert client_for(other_rep).get(url).status_code == 404


def test_api_patch_refuses_core_fields_and_core_change_endpoint_creates_an_approval(
    rep, other_rep, api_client
):
    account = AccountFactory(name="西安市第一医院", owner=rep)
    invisible = AccountFactory(name="别人的集团", owner=other_rep, level="group")
    client = api_client(rep)
    patch = client.patch(
        f"/api/accounts/{account.pk}",
        {"version": 0, "name": "改名"},
        content_type="application/json",
    )
    assert patch.status_code == 422
    assert patch.json()["errors"]["name"] == ["核心信息修改需要审批，请提交修改申请。"]
    unchanged_name = client.patch(
        f"/api/accounts/{account.pk}",
        {"version": 0, "name": account.name, "city": "咸阳"},
        content_type="application/json",
    )
    assert unchanged_name.status_code == 200
    hidden_parent = client.post(
        f"/api/accounts/{account.pk}/core-change",
        {"parent_id": invisible.pk, "reason": "x"},
        content_type="application/json",
    )
    assert hidden_parent.status_code == 422
    assert "parent_id" in hidden_parent.json()["errors"]
    created = client.post(
        f"/api/accounts/{account.pk}/core-change",
        {"name": "西安市第一人民医院", "reason": "更名"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    approval = Approval.objects.get(pk=created.json()["approval_id"])
    assert approval.payload["changes"] == {"name": "西安市第一人民医院"}
    assert Account.objects.get(pk=account.pk).name == "西安市第一医院"
    forbidden = api_client(other_rep).post(
        f"/api/accounts/{account.pk}/core-change",
        {"name": "x", "reason": "x"},
        content_type="application/json",
    )
    assert forbidden.status_code == 404
