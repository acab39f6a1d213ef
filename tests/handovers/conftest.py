"""A rep holding one of everything a handover moves, plus things it must leave alone."""

from dataclasses import dataclass
from typing import cast

import pytest
from django.test import Client
from django.utils import timezone

from kam.accounts.models import Account
from kam.approvals.models import Approval, ApprovalStep
from kam.leads.models import Lead
from kam.opportunities.models import Opportunity
from kam.tasks.models import Task
from kam.users.services import api_token_create
from tests.factories import (
    AccountFactory,
    ApprovalFactory,
    ApprovalStepFactory,
    LeadFactory,
    OpportunityFactory,
)


@dataclass
class Holdings:
    accounts: list[Account]
    opportunity: Opportunity
    closed_opportunity: Opportunity
    lead_on_account: Lead
    loose_lead: Lead
    closed_lead: Lead
    step: ApprovalStep
    task: Task
    derived_task: Task
    done_task: Task


@pytest.fixture
def holdings(rep, solution_manager) -> Holdings:
    first = cast(Account, AccountFactory(owner=rep, name="西安热电厂"))
    second = cast(Account, AccountFactory(owner=rep, name="宝鸡机床厂"))
    approval = cast(
        Approval, ApprovalFactory(requester=solution_manager, title="报价审批", account=first)
    )
    return Holdings(
        accounts=[first, second],
        opportunity=cast(
            Opportunity, OpportunityFactory(account=first, owner=rep, name="锅炉改造")
        ),
        closed_opportunity=cast(
            Opportunity,
            OpportunityFactory(account=first, owner=rep, name="旧项目", closed_at=timezone.now()),
        ),
        lead_on_account=cast(
            Lead, LeadFactory(owner=rep, account=second, company_name="宝鸡机床二期")
        ),
        loose_lead=cast(Lead, LeadFactory(owner=rep, company_name="渭南化工")),
        closed_lead=cast(
            Lead, LeadFactory(owner=rep, company_name="关闭的线索", status="disqualified")
        ),
        step=cast(
            ApprovalStep, ApprovalStepFactory(approval=approval, approver=rep, status="pending")
        ),
        task=Task.objects.create(owner=rep, title="回访热电厂", account=first, created_by=rep),
        derived_task=Task.objects.create(
            owner=rep,
            title="审批：报价审批",
            source="approval",
            source_key=f"approval:{approval.pk}",
        ),
        done_task=Task.objects.create(owner=rep, title="已完成", done_at=timezone.now()),
    )


class Api:
    BASE = "/api/handovers"

    def __init__(self, user):
        _token, key = api_token_create(user=user, name="t")
        self.client = Client()
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def get(self, path, params=None):
        return self.client.get(f"{self.BASE}{path}", params or {}, **self.auth)

    def post(self, path, payload=None):
        return self.client.post(
            f"{self.BASE}{path}", payload or {}, content_type="application/json", **self.auth
        )
