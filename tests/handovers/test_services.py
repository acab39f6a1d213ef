"""Handover services: preview, execute, reverse, deactivate (SPEC R-REV-4)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kam.accounts.models import Account, OwnerChange
from kam.accounts.services import account_change_owner
from kam.approvals.models import Approval, ApprovalStep
from kam.audit.models import FieldChange
from kam.handovers.enums import ItemKind
from kam.handovers.models import Handover, HandoverItem
from kam.handovers.services import execution
from kam.handovers.services.deactivation import user_deactivate
from kam.handovers.services.execution import handover_execute, handover_reverse
from kam.handovers.services.planning import Assignments, handover_preview
from kam.leads.models import Lead
from kam.notifications.models import Notification
from kam.opportunities.models import Opportunity, OpportunityTeamMember
from kam.pools.enums import PoolEventKind
from kam.pools.models import PoolEvent
from kam.tasks.models import Task
from kam.users.models import ApiToken
from kam.users.services import api_token_create
from tests.factories import AccountFactory, OpportunityFactory, UserFactory


def _moved(preview):
    return {(item.kind, item.object_id, item.to_user.pk) for item in preview.items}


def test_preview_lists_everything_and_execute_does_exactly_that(rep, colleague, manager, holdings):
    everything = Assignments(everything=colleague)
    preview = handover_preview(from_user=rep, assignments=everything, actor=manager)
    assert preview.ok and preview.problems == []
    counts = {group.kind: group.count for group in preview.groups}
    assert counts == {"account": 2, "opportunity": 1, "lead": 2, "approval_step": 1, "task": 1}
    handover = handover_execute(from_user=rep, assignments=everything, actor=manager, note="离职")
    recorded = {(i.kind, i.object_id, i.to_user_id) for i in handover.items.all()}
    assert recorded == _moved(preview)
    assert set(Account.objects.values_list("owner", flat=True)) == {colleague.pk}
    assert Account.objects.filter(team=colleague.team).count() == 2
    assert Opportunity.objects.get(pk=holdings.opportunity.pk).owner == colleague
    assert Opportunity.objects.get(pk=holdings.closed_opportunity.pk).owner == rep
    assert Lead.objects.get(pk=holdings.closed_lead.pk).owner == rep
    assert Lead.objects.filter(owner=colleague).count() == 2
    assert ApprovalStep.objects.get(pk=holdings.step.pk).approver == colleague
    assert all(i.from_user_id == rep.pk for i in handover.items.all())
    assert Task.objects.get(pk=holdings.task.pk).owner == colleague
    assert Task.objects.get(pk=holdings.derived_task.pk).owner == rep
    assert Task.objects.get(pk=holdings.done_task.pk).owner == rep


def test_execute_writes_history_versions_team_and_notifications(rep, colleague, manager, holdings):
    before = Opportunity.objects.get(pk=holdings.opportunity.pk).version
    handover = handover_execute(
        from_user=rep, assignments=Assignments(everything=colleague), actor=manager
    )
    changes = OwnerChange.objects.filter(account__in=holdings.accounts)
    assert changes.count() == 2
    assert {(c.from_owner_id, c.to_owner_id, c.actor_id) for c in changes} == {
        (rep.pk, colleague.pk, manager.pk)
    }
    assert all(f"#{handover.pk}" in c.reason for c in changes)
    # The pool's own bookkeeping of an owner change ran for each account.
    assigned = PoolEvent.objects.filter(kind=PoolEventKind.ASSIGN, to_owner_id=colleague.pk)
    assert set(assigned.values_list("account_id", flat=True)) == {a.pk for a in holdings.accounts}
    opportunity = Opportunity.objects.get(pk=holdings.opportunity.pk)
    assert opportunity.version == before + 1
    assert OpportunityTeamMember.objects.filter(
        opportunity=opportunity, user=colleague, role="account_manager"
    ).exists()
    audit = FieldChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Opportunity), object_id=opportunity.pk
    ).get(field="owner")
    assert (audit.old_value, audit.new_value, audit.actor) == (str(rep), str(colleague), manager)
    step_audit = FieldChange.objects.get(
        content_type=ContentType.objects.get_for_model(ApprovalStep), field="approver"
    )
    assert step_audit.new_value == str(colleague)
    assert Approval.objects.get(pk=holdings.step.approval_id).version == 1
    note = Notification.objects.get(recipient=colleague)
    assert note.url == f"/handovers/{handover.pk}/" and str(rep) in note.title


def test_per_kind_and_per_account_routing(rep, colleague, manager, holdings, solution_manager):
    helper = UserFactory(username="helper", team=rep.team, manager=manager)
    first, second = holdings.accounts
    assignments = Assignments(
        everything=colleague,
        per_kind={ItemKind.APPROVAL_STEP: manager},
        per_account={second.pk: helper},
    )
    preview = handover_preview(from_user=rep, assignments=assignments, actor=manager)
    receiver = {(i.kind, i.object_id): i.to_user for i in preview.items}
    assert receiver[("account", first.pk)] == colleague
    assert receiver[("account", second.pk)] == helper
    # The lead on the second account travels with it; the loose lead goes to the rest-receiver.
    assert receiver[("lead", holdings.lead_on_account.pk)] == helper
    assert receiver[("lead", holdings.loose_lead.pk)] == colleague
    assert receiver[("opportunity", holdings.opportunity.pk)] == colleague
    assert receiver[("approval_step", holdings.step.pk)] == manager
    assert receiver[("task", holdings.task.pk)] == colleague
    handover_execute(from_user=rep, assignments=assignments, actor=manager)
    assert Lead.objects.get(pk=holdings.lead_on_account.pk).owner == helper


def test_account_receiver_carries_deals_when_kind_has_no_receiver(rep, colleague, manager):
    account = AccountFactory(owner=rep)
    deal = OpportunityFactory(account=account, owner=rep)
    assignments = Assignments(per_kind={ItemKind.ACCOUNT: colleague})
    preview = handover_preview(from_user=rep, assignments=assignments, actor=manager)
    assert {(i.kind, i.object_id, i.to_user) for i in preview.items} == {
        ("account", account.pk, colleague),
        ("opportunity", deal.pk, colleague),
    }


def test_problems_block_execute(rep, colleague, manager, other_rep, holdings, solution_manager):
    colleague.is_active = False
    colleague.save()
    cases = [
        (Assignments(everything=colleague), "已停用"),
        (Assignments(everything=rep), "本人"),
        (Assignments(everything=other_rep), "不在你的管理范围内"),
        (Assignments(everything=solution_manager), "发起人"),
        (Assignments(per_kind={ItemKind.ACCOUNT: manager}), "未指定接收人"),
    ]
    for assignments, text in cases:
        preview = handover_preview(from_user=rep, assignments=assignments, actor=manager)
        assert not preview.ok
        assert any(text in problem for problem in preview.problems), (text, preview.problems)
        with pytest.raises(ValidationError):
            handover_execute(from_user=rep, assignments=assignments, actor=manager)
    assert not Handover.objects.exists()
    assert Account.objects.filter(owner=rep).count() == 2


def test_execute_refuses_when_things_changed_since_preview(rep, colleague, manager, holdings):
    assignments = Assignments(everything=colleague)
    preview = handover_preview(from_user=rep, assignments=assignments, actor=manager)
    AccountFactory(owner=rep)
    with pytest.raises(ValidationError, match="重新预览"):
        handover_execute(
            from_user=rep, assignments=assignments, actor=manager, fingerprint=preview.fingerprint
        )
    assert not Handover.objects.exists()


def test_permissions(rep, colleague, manager, director, gm, admin_user, other_manager, finance):
    assignments = Assignments(everything=colleague)
    AccountFactory(owner=rep)
    for actor in [colleague, other_manager, finance, rep]:
        with pytest.raises(PermissionDenied):
            handover_preview(from_user=rep, assignments=assignments, actor=actor)
    for actor in [manager, director, gm, admin_user]:
        assert handover_preview(from_user=rep, assignments=assignments, actor=actor).ok


def test_failure_midway_leaves_nothing_moved(rep, colleague, manager, holdings, monkeypatch):
    def boom(items, *, actor):
        raise RuntimeError("disk full")

    monkeypatch.setattr(execution, "_move_steps", boom)
    with pytest.raises(RuntimeError):
        handover_execute(
            from_user=rep, assignments=Assignments(everything=colleague), actor=manager
        )
    assert Account.objects.filter(owner=rep).count() == 2
    assert Opportunity.objects.get(pk=holdings.opportunity.pk).owner == rep
    assert not OwnerChange.objects.exists()
    assert not Handover.objects.exists() and not HandoverItem.objects.exists()
    assert not Notification.objects.exists()


def test_reverse_moves_everything_back(rep, colleague, manager, holdings):
    handover = handover_execute(
        from_user=rep, assignments=Assignments(everything=colleague), actor=manager
    )
    reversal = handover_reverse(handover=handover, actor=manager)
    assert reversal.reverses == handover and reversal.skipped == []
    assert reversal.items.count() == handover.items.count()
    assert Account.objects.filter(owner=rep).count() == 2
    assert Opportunity.objects.get(pk=holdings.opportunity.pk).owner == rep
    assert ApprovalStep.objects.get(pk=holdings.step.pk).approver == rep
    assert Task.objects.get(pk=holdings.task.pk).owner == rep
    assert OwnerChange.objects.filter(to_owner=rep, reason__contains="撤销").count() == 2
    with pytest.raises(ValidationError, match="已经撤销"):
        handover_reverse(handover=handover, actor=manager)
    with pytest.raises(ValidationError, match="不能再撤销"):
        handover_reverse(handover=reversal, actor=manager)


def test_partial_reverse_skips_what_moved_since(rep, colleague, manager, holdings):
    helper = UserFactory(username="helper", team=rep.team, manager=manager)
    handover = handover_execute(
        from_user=rep, assignments=Assignments(everything=colleague), actor=manager
    )
    first = holdings.accounts[0]
    account_change_owner(
        account=Account.objects.get(pk=first.pk), owner=helper, reason="调整", actor=manager
    )
    reversal = handover_reverse(handover=handover, actor=manager)
    assert [row["object_id"] for row in reversal.skipped] == [first.pk]
    assert Account.objects.get(pk=first.pk).owner == helper
    assert Account.objects.get(pk=holdings.accounts[1].pk).owner == rep
    assert not reversal.items.filter(kind="account", object_id=first.pk).exists()


def test_reverse_refused_for_non_managers(rep, colleague, manager, other_manager, holdings):
    handover = handover_execute(
        from_user=rep, assignments=Assignments(everything=colleague), actor=manager
    )
    for actor in [colleague, other_manager]:
        with pytest.raises(PermissionDenied):
            handover_reverse(handover=handover, actor=actor)


def test_deactivate_refuses_while_work_remains_and_lists_it(rep, manager, holdings):
    with pytest.raises(ValidationError) as caught:
        user_deactivate(user=rep, actor=manager)
    message = caught.value.message_dict["force"][0]
    assert "客户 2 项" in message and "商机 1 项" in message
    rep.refresh_from_db()
    assert rep.is_active


def test_deactivate_ends_sessions_and_tokens_at_once(rep, colleague, manager, holdings):
    handover_execute(from_user=rep, assignments=Assignments(everything=colleague), actor=manager)
    browser = Client()
    assert browser.login(username="rep", password="kam-test-pass")
    other = Client()
    other.force_login(colleague)
    assert browser.get("/handovers/").status_code == 200
    _token, key = api_token_create(user=rep, name="script")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert Client().get("/api/handovers/", **auth).status_code == 200

    result = user_deactivate(user=rep, actor=manager)

    assert (result.sessions_ended, result.tokens_revoked) == (1, 1)
    rep.refresh_from_db()
    assert not rep.is_active
    assert ApiToken.objects.get(user=rep).revoked_at is not None
    assert Session.objects.count() == 1  # the colleague's stays
    response = browser.get("/handovers/")
    assert response.status_code == 302 and "/users/login/" in response["Location"]
    assert Client().get("/api/handovers/", **auth).status_code == 401
    assert other.get("/handovers/").status_code == 200
    assert FieldChange.objects.filter(field="is_active", object_id=rep.pk).exists()


def test_token_auth_refuses_inactive_user_even_with_unrevoked_token(rep):
    _token, key = api_token_create(user=rep, name="script")
    rep.is_active = False
    rep.save()
    response = Client().get("/api/handovers/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401


def test_forced_deactivation_leaves_work_handable(rep, colleague, manager, holdings):
    user_deactivate(user=rep, actor=manager, force=True)
    rep.refresh_from_db()
    assert not rep.is_active
    # Still the manager's to hand over, although rep has left the active reporting tree.
    handover = handover_execute(
        from_user=rep, assignments=Assignments(everything=colleague), actor=manager
    )
    assert handover.items.count() == 7
    with pytest.raises(ValidationError, match="已停用"):
        user_deactivate(user=rep, actor=manager)


def test_preview_query_count_does_not_grow(rep, colleague, manager, django_assert_max_num_queries):
    AccountFactory(owner=rep)
    assignments = Assignments(everything=colleague)
    handover_preview(from_user=rep, assignments=assignments, actor=manager)  # warm caches
    with CaptureQueriesContext(connection) as one:
        handover_preview(from_user=rep, assignments=assignments, actor=manager)
    for _ in range(19):
        AccountFactory(owner=rep)
    with django_assert_max_num_queries(len(one.captured_queries)):
        preview = handover_preview(from_user=rep, assignments=assignments, actor=manager)
    assert preview.total == 20
