"""Reads of contracts; every one starts from `contracts_visible_to`."""

from decimal import Decimal

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from kam.accounts.rules import list_gathers_by_id_sets
from kam.approvals.enums import ApprovalStatus
from kam.approvals.models import Approval
from kam.contracts.models import Contract, ContractAttachment, PaymentMilestone
from kam.contracts.rules import contract_visibility_q
from kam.contracts.services.closing import TERMINATION_APPROVAL
from kam.contracts.services.signing import CONTRACT_APPROVAL, PLAN_CHANGE_APPROVAL
from kam.core.aggregates import fen, fen_sum, yuan
from kam.users.models import User

LIST_FILTERS = ("status", "owner", "account")


def contracts_visible_to(user: User) -> QuerySet[Contract]:
    return Contract.objects.filter(contract_visibility_q(user))


def contract_list(user: User, filters: dict[str, str] | None = None) -> QuerySet[Contract]:
    return (
        contracts_matching(user, filters, as_id_sets=list_gathers_by_id_sets(user))
        .select_related("account", "owner", "opportunity")
        .order_by("-updated_at", "-pk")
    )


def contracts_matching(
    user: User, filters: dict[str, str] | None = None, *, as_id_sets: bool = False
) -> QuerySet[Contract]:
    """The visible contracts matching the list filters (no joins, no order); `as_id_sets` for
    an aggregate over all of them, or a list (kam.accounts.rules.list_gathers_by_id_sets)."""
    queryset = Contract.objects.filter(contract_visibility_q(user, as_id_sets=as_id_sets))
    filters = filters or {}
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("owner", "").isdigit():
        queryset = queryset.filter(owner_id=int(filters["owner"]))
    if filters.get("account"):
        queryset = queryset.filter(account__name__icontains=filters["account"])
    return queryset


def contract_total(contracts: QuerySet[Contract]) -> Decimal:
    """The exact sum of the listed contracts' amounts, added up in whole fen."""
    return yuan(contracts.order_by().aggregate(total=fen_sum(fen("amount"), Q()))["total"])


def contract_get_visible(user: User, pk: int) -> Contract:
    """The contract, or 404 — an invisible contract looks exactly like a missing one."""
    return get_object_or_404(
        contracts_visible_to(user).select_related("account", "owner", "opportunity"), pk=pk
    )


def contract_milestones(contract: Contract) -> list[PaymentMilestone]:
    return list(contract.milestones.order_by("position"))


def contract_attachments(contract: Contract) -> list[ContractAttachment]:
    return list(contract.attachments.select_related("uploaded_by").order_by("pk"))


def contract_attachment_get_visible(user: User, pk: int) -> ContractAttachment:
    return get_object_or_404(
        ContractAttachment.objects.filter(contract__in=contracts_visible_to(user)).select_related(
            "contract", "contract__account"
        ),
        pk=pk,
    )


def contract_pending_approvals(contract: Contract) -> list[Approval]:
    """The contract's approvals still waiting: its signing, or a change to its plan."""
    return list(
        Approval.objects.filter(
            type_code__in=(CONTRACT_APPROVAL, PLAN_CHANGE_APPROVAL, TERMINATION_APPROVAL),
            subject_id=contract.pk,
            status=ApprovalStatus.PENDING,
        ).order_by("pk")
    )
