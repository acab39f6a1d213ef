"""Contract pages: list, create (by hand and from a won deal), detail, the plan editor with
its server-side refusal, submit, delivery/acceptance, attachments."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kam.approvals.models import Approval
from kam.audit.models import FieldChange
from kam.contracts.enums import ContractStatus
from kam.contracts.models import Contract, ContractAttachment, PaymentMilestone
from tests.conftest import client_for
from tests.contracts.conftest import make_contract, plan_template, won_opportunity
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"


def _rows(*rows):
    data = {
        key: []
        for key in ("kind", "name", "percent", "amount", "trigger", "fixed_date", "due_days")
    }
    for row in rows:
        for key in data:
            data[key].append(row.get(key, ""))
    return data


def test_list_shows_visible_contracts_with_exact_total(rep, other_rep, contract):
    make_contract(rep, "二期", "0.10")
    make_contract(other_rep, "别队合同", "999.99")
    response = client_for(rep).get("/contracts/")
    body = response.content.decode()
    assert response.status_code == 200
    assert contract.number in body and "二期" in body and "别队合同" not in body
    assert 'hx-get="/contracts/total/?"' in body
    total = client_for(rep).get("/contracts/total/", headers={"HX-Request": "true"})
    assert total.context["total"] == Decimal("100000.10")
    assert "100,000.10" in total.content.decode()
    filtered = client_for(rep).get("/contracts/total/", {"status": "signed"})
    assert filtered.context["total"] == Decimal("0.00")


def test_list_filters_and_empty_states(rep, contract):
    client = client_for(rep)
    body = client.get("/contracts/", {"status": "signed"}).content.decode()
    assert "没有符合条件的合同" in body
    assert (
        contract.name
        in client.get("/contracts/", {"account": contract.account.name[:3]}).content.decode()
    )


def test_empty_list(rep):
    assert "还没有合同" in client_for(rep).get("/contracts/").content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_list_query_count_is_flat(rep, count, django_assert_num_queries):
    for n in range(count):
        make_contract(rep, f"合同{n}")
    client = client_for(rep)
    client.get("/contracts/")
    # session, user (with whom they manage), the page, the owner choices; the total comes in its
    # own request
    with django_assert_num_queries(4):
        client.get("/contracts/")


def test_create_by_hand_only_on_editable_accounts(rep, other_rep):
    mine = AccountFactory(owner=rep)
    theirs = AccountFactory(owner=other_rep)
    client = client_for(rep)
    page = client.get("/contracts/new/")
    assert mine.name in page.content.decode() and theirs.name not in page.content.decode()
    refused = client.post(
        "/contracts/new/", {"account": theirs.pk, "name": "x", "amount": "1", "warranty_months": 12}
    )
    assert refused.status_code == 200 and not Contract.objects.exists()
    response = client.post(
        "/contracts/new/",
        {"account": mine.pk, "name": "手工合同", "amount": "1,234.50", "warranty_months": 24},
    )
    contract = Contract.objects.get()
    assert response.status_code == 302 and response.url == f"/contracts/{contract.pk}/"
    assert contract.amount == Decimal("1234.50") and contract.warranty_months == 24


def test_new_contract_lists_a_few_accounts_and_searches_the_rest(rep, monkeypatch):
    monkeypatch.setattr("kam.accounts.selectors.ACCOUNT_OPTIONS", 2)
    now = timezone.now()
    quiet = AccountFactory(owner=rep, name="远山医院", last_activity_at=now - timedelta(days=90))
    for days in (1, 2):
        AccountFactory(
            owner=rep, name=f"近期客户{days}", last_activity_at=now - timedelta(days=days)
        )
    client = client_for(rep)
    page = client.get("/contracts/new/").content.decode()
    assert "近期客户1" in page and "近期客户2" in page and "远山医院" not in page
    found = client.get("/contracts/new/account-options/", {"account_search": "远山"})
    assert f'<option value="{quiet.pk}">远山医院</option>' in found.content.decode()
    assert "近期客户" not in found.content.decode()
    # An account off the short list is accepted, and stays chosen when the form comes back.
    refused = client.post("/contracts/new/", {"account": quiet.pk, "name": "", "amount": "1"})
    assert f'<option value="{quiet.pk}" selected>远山医院</option>' in refused.content.decode()
    client.post(
        "/contracts/new/",
        {"account": quiet.pk, "name": "远山合同", "amount": "10", "warranty_months": 12},
    )
    assert Contract.objects.get().account == quiet


def test_create_from_won_opportunity_button(rep):
    opportunity = won_opportunity(rep)
    client = client_for(rep)
    assert "生成合同" in client.get(opportunity.get_absolute_url()).content.decode()
    response = client.post(f"/contracts/from-opportunity/{opportunity.pk}/")
    contract = Contract.objects.get()
    assert response.url == contract.get_absolute_url()
    assert contract.opportunity == opportunity and contract.name == opportunity.name
    assert opportunity.name in client.get(contract.get_absolute_url()).content.decode()


def test_detail_shows_plan_with_pending_due_dates(rep, contract):
    plan_template(contract, rep)
    body = client_for(rep).get(contract.get_absolute_url()).content.decode()
    assert "待到货" in body and "待验收" in body and "质保尾款" in body
    assert "100,000.00" in body and 'data-testid="submit-form"' in body


def test_plan_editor_refuses_a_plan_that_does_not_sum(rep, contract):
    client = client_for(rep)
    page = client.get(f"/contracts/{contract.pk}/plan/")
    assert page.status_code == 200 and "kam/contracts.js" in page.content.decode()
    data = _rows(
        {"kind": "down_payment", "trigger": "signing", "percent": "30", "due_days": "0"},
        {"kind": "acceptance", "trigger": "acceptance", "amount": "60000", "due_days": "5"},
    )
    response = client.post(f"/contracts/{contract.pk}/plan/", {**data, "version": contract.version})
    assert response.status_code == 422
    assert "相差 10,000.00 元" in response.content.decode()
    assert not PaymentMilestone.objects.exists()
    data["amount"][1] = "70000"
    response = client.post(f"/contracts/{contract.pk}/plan/", {**data, "version": contract.version})
    assert response.status_code == 302
    assert list(contract.milestones.values_list("amount", "due_days")) == [
        (Decimal("30000.00"), 0),
        (Decimal("70000.00"), 5),
    ]


def test_plan_editor_row_errors_and_template(rep, contract):
    client = client_for(rep)
    data = _rows({"kind": "down_payment", "trigger": "date", "percent": "100", "due_days": "x"})
    response = client.post(f"/contracts/{contract.pk}/plan/", {**data, "version": contract.version})
    body = response.content.decode()
    assert response.status_code == 422 and "第 1 个节点" in body and "请填写日期" in body
    templated = client.get(f"/contracts/{contract.pk}/plan/", {"template": "30/60/10"})
    assert templated.content.decode().count("data-plan-row") == 4  # 3 rows + the blank template


def test_edit_draft_and_submit(rep, contract, manager):
    client = client_for(rep)
    response = client.post(
        f"/contracts/{contract.pk}/edit/",
        {"name": "改名", "amount": "200000", "warranty_months": 12, "version": contract.version},
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.name == "改名" and contract.amount == Decimal("200000.00")
    refused = client.post(f"/contracts/{contract.pk}/submit/", {"version": contract.version})
    assert refused.status_code == 422 and "请先制定回款计划" in refused.content.decode()
    plan_template(contract, rep)
    signed_on = timezone.localdate() - timedelta(days=3)
    response = client.post(
        f"/contracts/{contract.pk}/submit/", {"version": contract.version, "signed_on": signed_on}
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == ContractStatus.IN_APPROVAL
    approval = Approval.objects.get(type_code="contract")
    assert approval.payload["signed_on"] == signed_on.isoformat()
    assert FieldChange.objects.filter(object_id=contract.pk, field="status").exists()
    assert client.get(f"/contracts/{contract.pk}/plan/").status_code == 302


def test_delivery_and_acceptance_set_due_dates(rep, signed):
    client = client_for(rep)
    delivered = timezone.localdate() - timedelta(days=10)
    response = client.post(
        f"/contracts/{signed.pk}/delivery/", {"d-version": signed.version, "d-on": delivered}
    )
    assert response.status_code == 302
    signed.refresh_from_db()
    assert signed.status == ContractStatus.EXECUTING and signed.delivered_on == delivered
    assert signed.milestones.get(kind="delivery").due_date == delivered
    future = timezone.localdate() + timedelta(days=1)
    refused = client.post(
        f"/contracts/{signed.pk}/acceptance/", {"a-version": signed.version, "a-on": future}
    )
    assert refused.status_code == 422 and "日期不能晚于今天" in refused.content.decode()
    response = client.post(
        f"/contracts/{signed.pk}/acceptance/", {"a-version": signed.version, "a-on": delivered}
    )
    assert response.status_code == 302
    assert signed.milestones.get(kind="acceptance").due_date == delivered


def test_plan_change_on_a_signed_contract_goes_to_approval(rep, signed):
    client = client_for(rep)
    page = client.get(f"/contracts/{signed.pk}/plan/")
    assert "提交变更审批" in page.content.decode()
    data = _rows(
        {"kind": "down_payment", "trigger": "signing", "percent": "50"},
        {"kind": "acceptance", "trigger": "acceptance", "percent": "50"},
    )
    response = client.post(
        f"/contracts/{signed.pk}/plan/", {**data, "version": signed.version, "reason": "客户要求"}
    )
    assert response.status_code == 302
    assert Approval.objects.filter(type_code="payment_plan_change", subject_id=signed.pk).exists()
    assert signed.milestones.count() == 4  # unchanged until approved


def test_attachments_upload_download_delete(rep, other_rep, contract, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(rep)
    upload = SimpleUploadedFile("合同扫描件.pdf", PDF, content_type="application/pdf")
    response = client.post(
        f"/contracts/{contract.pk}/attachments/", {"file": upload, "note": "盖章版"}
    )
    assert response.status_code == 302
    attachment = ContractAttachment.objects.get()
    assert attachment.original_name == "合同扫描件.pdf" and attachment.uploaded_by == rep
    assert not attachment.file.name.endswith("合同扫描件.pdf")
    download = client.get(f"/contracts/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert client_for(other_rep).get(f"/contracts/attachments/{attachment.pk}/").status_code == 404
    bad = SimpleUploadedFile("x.pdf", b"<html>", content_type="application/pdf")
    refused = client.post(f"/contracts/{contract.pk}/attachments/", {"file": bad})
    assert refused.status_code == 422 and ContractAttachment.objects.count() == 1
    client.post(f"/contracts/attachments/{attachment.pk}/delete/")
    assert not ContractAttachment.objects.exists()


def test_finance_filters_by_any_owner(rep, other_rep, finance):
    make_contract(rep, "一组合同")
    make_contract(other_rep, "二组合同")
    body = client_for(finance).get("/contracts/", {"owner": other_rep.pk}).content.decode()
    assert "二组合同" in body and "一组合同" not in body
