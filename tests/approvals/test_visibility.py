"""Who sees an approval and its account (SPEC §1, R-SEC-1): pages, API and the account filter.
An approver of another team sees both while it waits for them and after they decided; a
colleague of that approver who is not on the chain does not; decisions are only the current
approver's (403 for everyone else who can see it, 404 for those who cannot)."""

import pytest
from django.urls import reverse

from kam.accounts.models import Account
from kam.accounts.rules import account_visibility_q
from kam.approvals.enums import ApproverRule
from kam.approvals.services import approval_approve
from kam.users.services import api_token_create
from tests.approvals.conftest import TEST_TYPE
from tests.conftest import client_for
from tests.factories import ApprovalChainStepFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "gm",
    "admin_user",
    "director",
    "manager",
    "rep",
    "colleague",
    "other_manager",
    "other_rep",
    "solution_manager",
    "finance",
]


@pytest.fixture
def cross_team(test_type, manager, other_manager):
    """The rep's manager first, then the manager of another team, then the director."""
    ApprovalChainStepFactory(type_code=TEST_TYPE, position=1, rule=ApproverRule.REQUESTER_MANAGER)
    ApprovalChainStepFactory(
        type_code=TEST_TYPE, position=2, rule=ApproverRule.NAMED_USER, user=other_manager
    )
    ApprovalChainStepFactory(
        type_code=TEST_TYPE, position=3, rule=ApproverRule.ROLE, role="director"
    )


def _sees(user, approval) -> dict[str, bool]:
    _token, key = api_token_create(user=user, name="v")
    client = client_for(user)
    page = client.get(reverse("approvals:detail", args=[approval.pk])).status_code
    api = client.get(
        f"/api/approvals/{approval.pk}", HTTP_AUTHORIZATION=f"Bearer {key}"
    ).status_code
    account_page = client.get(reverse("accounts:detail", args=[approval.account_id])).status_code
    assert page in {200, 404} and api in {200, 404} and account_page in {200, 404}
    return {
        "page": page == 200,
        "api": api == 200,
        "account_page": account_page == 200,
        "account_q": Account.objects.filter(
            account_visibility_q(user), pk=approval.account_id
        ).exists(),
    }


def test_another_teams_approver_sees_it_while_waiting_and_after_deciding(
    cross_team, submit, rep, manager, other_manager, other_rep, director
):
    approval = submit()
    nothing = dict.fromkeys(("page", "api", "account_page", "account_q"), False)
    everything = dict.fromkeys(("page", "api", "account_page", "account_q"), True)
    # Not reached yet: a waiting step grants nothing.
    assert _sees(other_manager, approval) == nothing
    approval_approve(approval=approval, actor=manager, version=approval.version)
    assert _sees(other_manager, approval) == everything
    assert _sees(other_rep, approval) == nothing
    approval_approve(approval=approval, actor=other_manager, version=approval.version)
    assert _sees(other_manager, approval) == everything
    assert _sees(other_rep, approval) == nothing


@pytest.mark.parametrize("role", ROLES)
def test_only_the_current_approver_may_decide_on_pages_and_api(request, submit, role):
    approval = submit()
    user = request.getfixturevalue(role)
    client = client_for(user)
    _token, key = api_token_create(user=user, name="d")
    visible = client.get(reverse("approvals:detail", args=[approval.pk])).status_code == 200
    for action in ("approve", "reject", "return"):
        page = client.post(
            reverse(f"approvals:{action}", args=[approval.pk]),
            {"version": approval.version, "comment": "意见"},
        )
        api = client.post(
            f"/api/approvals/{approval.pk}/{action}",
            {"version": approval.version, "comment": "意见"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        if role == "manager":
            continue
        expected = 403 if visible else 404
        assert (page.status_code, api.status_code) == (expected, expected), (role, action)
    approval.refresh_from_db()
    if role == "manager":
        assert approval.status == "approved" or approval.current_position == 2
    else:
        assert (approval.status, approval.current_position) == ("pending", 1)
        assert approval.steps.get(position=1).status == "pending"


@pytest.mark.parametrize("role", ROLES)
def test_visibility_of_an_approval_by_role(request, submit, role):
    approval = submit()
    user = request.getfixturevalue(role)
    # The rep's account: the rep, everyone above them, the GM/admin; the manager is also the
    # pending approver. Nobody else.
    sees = role in {"gm", "admin_user", "director", "manager", "rep"}
    assert _sees(user, approval)["page"] == sees
    assert _sees(user, approval)["api"] == sees
