from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kam.accounts.rules import account_visibility_q
from kam.contacts.models import Contact, EngagementPlan
from kam.users.models import User


def contacts_visible_to(user: User) -> QuerySet[Contact]:
    return Contact.objects.filter(account_visibility_q(user, prefix="account__"))


def contact_get_visible(user: User, pk: int) -> Contact:
    return get_object_or_404(contacts_visible_to(user).select_related("account"), pk=pk)


def engagement_plans_overdue(user: User) -> QuerySet[EngagementPlan]:
    return (
        EngagementPlan.objects.filter(
            account_visibility_q(user, prefix="contact__account__"),
            active=True,
            next_due__lt=timezone.localdate(),
        )
        .select_related("contact", "contact__account", "our_executive")
        .order_by("next_due")
    )
