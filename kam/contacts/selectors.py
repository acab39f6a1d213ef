"""Reads for key people. Everything starts from the account visibility rule (R-SEC-1)."""

import zoneinfo
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kam.accounts.models import Account
from kam.accounts.rules import account_visibility_q
from kam.contacts.enums import DecisionRole, GuideCostKind, Influence
from kam.contacts.models import Contact, EngagementPlan, GuideCost, ScoreChange
from kam.users.models import User

# Columns the pages show about a person; the heavy free-text fields stay in the database.
CONTACT_CARD_FIELDS = [
    "id", "account_id", "name", "title", "department", "reports_to_id", "status",
    "decision_role", "influence", "attitude", "closeness", "solution_acceptance",
    "price_acceptance", "guide_level", "last_contact_at", "version",
]  # fmt: skip

CONTACT_SORTS = {
    "name": ("name", "pk"),
    "-last_contact": ("-last_contact_at", "name", "pk"),
    "-closeness": ("-closeness", "name", "pk"),
    "-guide_level": ("-guide_level", "name", "pk"),
    "account": ("account__name", "name", "pk"),
    "-updated": ("-updated_at", "pk"),
}

_ROLE_ORDER = {role: i for i, role in enumerate(DecisionRole.values)}
_INFLUENCE_ORDER: dict[str, int] = {Influence.HIGH: 0, Influence.MEDIUM: 1, Influence.LOW: 2}


def contacts_visible_to(user: User) -> QuerySet[Contact]:
    return Contact.objects.filter(account_visibility_q(user, prefix="account__"))


def contact_get_visible(user: User, pk: int) -> Contact:
    return get_object_or_404(contacts_visible_to(user).select_related("account"), pk=pk)


def engagement_plan_get_visible(user: User, pk: int) -> EngagementPlan:
    return get_object_or_404(
        EngagementPlan.objects.filter(
            account_visibility_q(user, prefix="contact__account__")
        ).select_related("contact", "contact__account"),
        pk=pk,
    )


def engagement_plans_overdue(user: User) -> QuerySet[EngagementPlan]:
    return (
        EngagementPlan.objects.filter(
            account_visibility_q(user, prefix="contact__account__"),
            active=True,
            next_due__lt=user_today(user),
        )
        .select_related("contact", "contact__account", "our_executive")
        .order_by("next_due")
    )


def user_today(user: User) -> date:
    """Today's date where the user is (their profile time zone, default Asia/Shanghai)."""
    try:
        zone = zoneinfo.ZoneInfo(getattr(user, "time_zone", "") or "Asia/Shanghai")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("Asia/Shanghai")
    return timezone.localdate(timezone=zone)


def contact_list(
    user: User, filters: dict[str, Any], sort: str = "name", *, cards_only: bool = True
) -> QuerySet[Contact]:
    """The people list: visible people, filtered; `filters` holds cleaned filter values.
    `cards_only` loads just the columns the list page shows (the API wants every field)."""
    queryset = contacts_visible_to(user).select_related("account")
    if filters.get("account_id"):
        queryset = queryset.filter(account_id=filters["account_id"])
    if filters.get("account"):
        queryset = queryset.filter(account__name__icontains=filters["account"])
    if filters.get("q"):
        text = filters["q"]
        queryset = queryset.filter(
            Q(name__icontains=text) | Q(title__icontains=text) | Q(department__icontains=text)
        )
    for name in ("decision_role", "attitude", "influence", "status"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("guide_min") not in (None, ""):
        queryset = queryset.filter(guide_level__gte=int(filters["guide_min"]))
    order = CONTACT_SORTS.get(sort, CONTACT_SORTS["name"])
    if cards_only:
        queryset = queryset.only(*CONTACT_CARD_FIELDS, "account__id", "account__name")
    return queryset.order_by(*order)


def contacts_for_account(account: Account) -> list[Contact]:
    """Everyone at one account, in one query (the caller has checked the account is visible)."""
    return list(
        Contact.objects.filter(account=account).only(*CONTACT_CARD_FIELDS).order_by("name", "pk")
    )


@dataclass
class OrgNode:
    contact: Contact
    children: list["OrgNode"] = field(default_factory=list)


def org_tree(contacts: list[Contact]) -> list[OrgNode]:
    """Nest people under whoever they report to. Built in Python from one list: people whose
    boss is missing (or who sit in a loop someone made in the admin) become roots."""
    nodes = {c.pk: OrgNode(contact=c) for c in contacts}
    roots: list[OrgNode] = []
    for contact in contacts:
        parent = nodes.get(contact.reports_to_id) if contact.reports_to_id else None
        if parent is None:
            roots.append(nodes[contact.pk])
        else:
            parent.children.append(nodes[contact.pk])
    reached: set[int] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        reached.add(node.contact.pk)
        stack.extend(node.children)
    for contact in contacts:
        if contact.pk not in reached:  # a loop: break it where we first meet it
            node = nodes[contact.pk]
            roots.append(node)
            stack = [node]
            while stack:
                current = stack.pop()
                if current.contact.pk in reached:
                    continue
                reached.add(current.contact.pk)
                current.children = [c for c in current.children if c is not node]
                stack.extend(current.children)
    return roots


def decision_chain(contacts: list[Contact]) -> list[Contact]:
    """The decision-chain table: decision makers first, then by influence, in-post before gone."""
    return sorted(
        contacts,
        key=lambda c: (
            c.status != "in_post",
            _ROLE_ORDER.get(c.decision_role, len(_ROLE_ORDER)),
            _INFLUENCE_ORDER.get(c.influence, 3),
            c.name,
        ),
    )


@dataclass
class GuideTotals:
    money: Decimal = Decimal("0.00")
    hours: Decimal = Decimal("0.0")


def guide_cost_totals(contact_ids: list[int]) -> dict[int, GuideTotals]:
    """Money and hours spent on each guide, summed in the database in one query."""
    rows = (
        GuideCost.objects.filter(contact_id__in=contact_ids)
        .values("contact_id")
        .annotate(
            money=Sum("amount", filter=Q(kind=GuideCostKind.MONEY)),
            hours=Sum("hours", filter=Q(kind=GuideCostKind.TIME)),
        )
        .order_by()
    )
    totals = {pk: GuideTotals() for pk in contact_ids}
    for row in rows:
        totals[row["contact_id"]] = GuideTotals(
            money=row["money"] if row["money"] is not None else Decimal("0.00"),
            hours=row["hours"] if row["hours"] is not None else Decimal("0.0"),
        )
    return totals


def guide_costs_for_contact(contact: Contact, limit: int = 50) -> QuerySet[GuideCost]:
    return GuideCost.objects.filter(contact=contact).select_related("recorded_by")[:limit]


def engagement_plans_for_contact(contact: Contact, today: date) -> list[EngagementPlan]:
    """The person's engagement plans, active first, each with `.overdue` and its touches."""
    plans = list(
        EngagementPlan.objects.filter(contact=contact)
        .select_related("our_executive")
        .prefetch_related("touches", "touches__recorded_by")
        .order_by("-active", "next_due", "pk")
    )
    for plan in plans:
        plan.overdue = plan.active and plan.next_due < today  # type: ignore[attr-defined]
    return plans


def score_history(contact: Contact, limit: int = 200) -> list[ScoreChange]:
    """Score snapshots oldest first (the trend chart reads left to right)."""
    newest = list(
        ScoreChange.objects.filter(contact=contact)
        .select_related("actor")
        .order_by("-changed_at", "-pk")[:limit]
    )
    newest.reverse()
    return newest


def score_series(history: list[ScoreChange]) -> list[list[int]]:
    return [[s.closeness, s.solution_acceptance, s.price_acceptance] for s in history]
