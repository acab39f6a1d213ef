"""Reads of leads; every one starts from `leads_visible_to`."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kam.leads.models import Lead, LeadFollowUp
from kam.leads.rules import lead_visibility_q
from kam.users.models import User

LIST_FILTERS = ("status", "intent_class", "source", "owner")


def leads_visible_to(user: User) -> QuerySet[Lead]:
    return Lead.objects.filter(lead_visibility_q(user))


def lead_list(user: User, filters: dict[str, str] | None = None) -> QuerySet[Lead]:
    queryset = leads_visible_to(user).select_related("owner", "account", "converted_opportunity")
    for key, value in (filters or {}).items():
        if key in LIST_FILTERS and value:
            queryset = queryset.filter(**{f"{key}_id" if key == "owner" else key: value})
    return queryset.order_by("-updated_at", "-pk")


def lead_follow_ups(lead: Lead) -> QuerySet[LeadFollowUp]:
    return lead.follow_ups.select_related("actor").order_by("-at", "-pk")


def lead_get_visible(user: User, pk: int) -> Lead:
    """The lead, or 404 — an invisible lead looks exactly like a missing one."""
    return get_object_or_404(
        leads_visible_to(user).select_related("owner", "account", "converted_opportunity"), pk=pk
    )
