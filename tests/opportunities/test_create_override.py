"""商机创建特批: a colleague who reads an account but does not own it asks to open a deal there;
the deal exists, owned by them, only once the approvers agree."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kam.approvals.enums import ApprovalStatus
from kam.approvals.services import approval_approve, approval_reject
from kam.opportunities.models import Opportunity
from kam.opportunities.services.override import opportunity_create_request
from tests.conftest import client_for
from tests.factories import AccountFactory, AccountTeamMemberFactory


@pytest.fixture
def shared_account(rep, solution_manager):
    account = AccountFactory(owner=rep, name="陕西能源集团")
    AccountTeamMemberFactory(account=account, user=solution_manager, role="solution")
    return account


def _request(account, actor, product):
    return opportunity_create_request(
        account=account, actor=actor,
        data={"name": "储能电站监控", "expected_sign_date": date(2027, 5, 1), "intent_class": "B"},
        lines=[{"product": product.pk, "quantity": "2", "discount_rate": "10"}],
    )  # fmt: skip


def _approve_all(approval):
    while True:
        approval.refresh_from_db()
        if approval.status != ApprovalStatus.PENDING:
            return
        step = approval.steps.get(status="pending")
        approval_approve(approval=approval, actor=step.approver, version=approval.version)


def test_the_deal_is_created_for_the_requester_on_final_approval(
    shared_account, solution_manager, product
):
    approval = _request(shared_account, solution_manager, product)
    assert approval.amount == 18000 and not Opportunity.objects.exists()

    _approve_all(approval)

    deal = Opportunity.objects.get()
    assert (deal.account, deal.owner, deal.name) == (
        shared_account,
        solution_manager,
        "储能电站监控",
    )
    assert deal.expected_sign_date == date(2027, 5, 1) and deal.amount == 18000
    approval.refresh_from_db()
    assert approval.opportunity == deal


def test_rejected_request_creates_nothing(shared_account, solution_manager, product):
    approval = _request(shared_account, solution_manager, product)
    step = approval.steps.get(status="pending")
    approval_reject(approval=approval, actor=step.approver, version=approval.version, comment="否")
    assert not Opportunity.objects.exists()


def test_owners_create_directly_and_strangers_cannot_ask(shared_account, rep, other_rep, product):
    with pytest.raises(ValidationError, match="直接"):
        _request(shared_account, rep, product)
    with pytest.raises(PermissionDenied):
        _request(shared_account, other_rep, product)


def test_bad_lines_are_refused_before_anyone_is_asked(shared_account, solution_manager, product):
    with pytest.raises(ValidationError):
        opportunity_create_request(
            account=shared_account, actor=solution_manager, data={"name": "x"},
            lines=[{"product": product.pk, "quantity": "0"}],
        )  # fmt: skip


def test_the_create_page_becomes_a_request_for_a_reader(shared_account, solution_manager, product):
    client = client_for(solution_manager)
    url = reverse("opportunities:create") + f"?account={shared_account.pk}"
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="override-notice"' in page.content.decode()
    detail = client.get(reverse("accounts:detail", args=[shared_account.pk])).content.decode()
    assert 'data-testid="request-opportunity"' in detail
