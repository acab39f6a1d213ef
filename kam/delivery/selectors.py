"""Reads of the delivery chain and its coverage rules (SPEC R-COL-6). Every read starts from a
contract the caller got through `contract_get_visible`, or from `delivery_member_visibility_q`.

Coverage
    uncovered   each of REQUIRED_ROLES (财务/供应链/质量/使用部门/决策签字人) with no member in
                post holding it — a person who has left covers nothing
    opposing    members in post whose stance at delivery is "opponent"
    low scores  members in post with any of the contact's three scores at or below the deal
                risk threshold (kam.assessments.risk.LOW_PRICE_ACCEPTANCE, i.e. ≤ 2 of 5)
    refused     members who refused to sign off
Suggestions
    the account's people (not left, not yet in the chain) whose decision role maps to an
    uncovered role, or whose title names it (enums.TITLE_WORDS); one suggestion per person
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from kam.assessments.risk import LOW_PRICE_ACCEPTANCE
from kam.contacts.enums import ContactStatus
from kam.contacts.models import Contact
from kam.contracts.models import Contract, PaymentMilestone
from kam.delivery.enums import (
    REQUIRED_ROLES,
    ROLE_FROM_DECISION_ROLE,
    TITLE_WORDS,
    DeliveryRole,
    SignOffStatus,
    Stance,
)
from kam.delivery.models import DeliveryChainMember
from kam.delivery.rules import delivery_member_visibility_q
from kam.users.models import User

LOW_SCORE = LOW_PRICE_ACCEPTANCE
ROLE_ORDER = {role: index for index, role in enumerate(DeliveryRole.values)}


def delivery_members_visible_to(user: User) -> QuerySet[DeliveryChainMember]:
    return DeliveryChainMember.objects.filter(delivery_member_visibility_q(user))


def delivery_chain_for(contract: Contract) -> list[DeliveryChainMember]:
    """The chain in role order (signatory first), each with its contact and milestones."""
    members = list(
        DeliveryChainMember.objects.filter(contract=contract)
        .select_related("contact", "updated_by")
        .prefetch_related(
            Prefetch("milestones", queryset=PaymentMilestone.objects.order_by("position"))
        )
    )
    members.sort(key=lambda m: (ROLE_ORDER[m.delivery_role], m.contact.name, m.pk))
    return members


def delivery_member_get_visible(user: User, contract: Contract, pk: int) -> DeliveryChainMember:
    """A member of this contract's chain that `user` may see, or 404."""
    return get_object_or_404(
        delivery_members_visible_to(user)
        .filter(contract=contract)
        .select_related("contact", "contract__account"),
        pk=pk,
    )


def _in_post(member: DeliveryChainMember) -> bool:
    return member.contact.status != ContactStatus.LEFT


def is_low_scored(contact: Contact) -> bool:
    scores = (contact.closeness, contact.solution_acceptance, contact.price_acceptance)
    return min(scores) <= LOW_SCORE


@dataclass(frozen=True)
class Coverage:
    uncovered: list[DeliveryRole]
    opposing: list[DeliveryChainMember] = field(default_factory=list)
    low_scores: list[DeliveryChainMember] = field(default_factory=list)
    refused: list[DeliveryChainMember] = field(default_factory=list)
    left: list[DeliveryChainMember] = field(default_factory=list)
    signed: int = 0

    @property
    def has_warnings(self) -> bool:
        return bool(self.uncovered or self.opposing or self.low_scores or self.refused or self.left)


def delivery_coverage(members: list[DeliveryChainMember]) -> Coverage:
    """Coverage of a chain already read with its contacts (no query)."""
    active = [m for m in members if _in_post(m)]
    held = {m.delivery_role for m in active}
    return Coverage(
        uncovered=[role for role in REQUIRED_ROLES if role not in held],
        opposing=[m for m in active if m.stance == Stance.OPPONENT],
        low_scores=[m for m in active if is_low_scored(m.contact)],
        refused=[m for m in members if m.signoff_status == SignOffStatus.REFUSED],
        left=[m for m in members if not _in_post(m)],
        signed=sum(1 for m in members if m.signoff_status == SignOffStatus.SIGNED),
    )


@dataclass(frozen=True)
class Suggestion:
    contact: Contact
    role: DeliveryRole


def _matching_role(contact: Contact, wanted: list[DeliveryRole]) -> DeliveryRole | None:
    from_role = ROLE_FROM_DECISION_ROLE.get(contact.decision_role)
    if from_role in wanted:
        return from_role
    title = contact.title.upper()
    for role in wanted:
        if any(word.upper() in title for word in TITLE_WORDS.get(role, ())):
            return role
    return None


def delivery_suggestions(contract: Contract, coverage: Coverage) -> list[Suggestion]:
    """People of the account who could fill an uncovered role (one query, none when covered)."""
    if not coverage.uncovered:
        return []
    people = (
        Contact.objects.filter(account_id=contract.account_id)
        .exclude(status=ContactStatus.LEFT)
        .exclude(delivery_roles__contract=contract)
        .order_by("name", "pk")
    )
    suggestions = []
    for person in people:
        role = _matching_role(person, coverage.uncovered)
        if role is not None:
            suggestions.append(Suggestion(contact=person, role=role))
    suggestions.sort(key=lambda s: (ROLE_ORDER[s.role], s.contact.name, s.contact.pk))
    return suggestions


def contacts_addable(contract: Contract) -> QuerySet[Contact]:
    """The account's people not yet in the chain (and not gone): the add form's choices."""
    return (
        Contact.objects.filter(account_id=contract.account_id)
        .exclude(status=ContactStatus.LEFT)
        .exclude(delivery_roles__contract=contract)
        .only("id", "name", "title")
        .order_by("name", "pk")
    )


@dataclass(frozen=True)
class ChainSummary:
    members: int
    uncovered: list[DeliveryRole]
    opposing: int
    signed: int


def delivery_summary(contract: Contract) -> ChainSummary:
    """The contract page's box: one query."""
    members = list(DeliveryChainMember.objects.filter(contract=contract).select_related("contact"))
    coverage = delivery_coverage(members)
    return ChainSummary(
        members=len(members),
        uncovered=coverage.uncovered,
        opposing=len(coverage.opposing),
        signed=coverage.signed,
    )
