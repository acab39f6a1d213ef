"""Reads for the assessment panels. Everything starts from the opportunity's visibility, which
is its account's (`account_visibility_q`); an invisible deal or row is a 404."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kam.accounts.rules import account_visibility_q
from kam.assessments.models import ActionItem, Assessment, DealContact
from kam.contacts.enums import ContactStatus
from kam.contacts.models import Contact
from kam.opportunities.models import Competitor, Opportunity
from kam.users.models import User


def opportunities_visible_to(user: User) -> QuerySet[Opportunity]:
    return Opportunity.objects.filter(account_visibility_q(user, "account__"))


def opportunity_get_visible(user: User, pk: int) -> Opportunity:
    return get_object_or_404(
        opportunities_visible_to(user).select_related("account", "stage", "owner"), pk=pk
    )


def assessment_for(opportunity: Opportunity) -> Assessment:
    """The saved assessment, or an unsaved blank one (version 0) to show and edit."""
    found = Assessment.objects.select_related("updated_by").filter(opportunity=opportunity).first()
    return found or Assessment(opportunity=opportunity)


def competitors_for(opportunity: Opportunity) -> list[Competitor]:
    return list(opportunity.competitors.all())


def deal_contacts_for(opportunity: Opportunity) -> list[DealContact]:
    return list(
        DealContact.objects.filter(opportunity=opportunity)
        .select_related("contact")
        .order_by("contact__name", "pk")
    )


def deal_contact_get_visible(user: User, opportunity: Opportunity, pk: int) -> DealContact:
    return get_object_or_404(
        DealContact.objects.filter(
            account_visibility_q(user, "opportunity__account__"), opportunity=opportunity
        ).select_related("contact", "opportunity"),
        pk=pk,
    )


def contacts_addable(opportunity: Opportunity) -> QuerySet[Contact]:
    """People of the deal's account not yet in its chain (and not gone)."""
    return (
        Contact.objects.filter(account_id=opportunity.account_id)
        .exclude(status=ContactStatus.LEFT)
        .exclude(deal_roles__opportunity=opportunity)
        .only("id", "name", "title")
        .order_by("name", "pk")
    )


def action_items_for(opportunity: Opportunity) -> QuerySet[ActionItem]:
    return (
        ActionItem.objects.filter(opportunity=opportunity)
        .select_related("owner")
        .order_by("done", "due_date", "pk")
    )


def action_item_get_visible(user: User, opportunity: Opportunity, pk: int) -> ActionItem:
    return get_object_or_404(
        ActionItem.objects.filter(
            account_visibility_q(user, "opportunity__account__"), opportunity=opportunity
        ).select_related("owner", "opportunity"),
        pk=pk,
    )
