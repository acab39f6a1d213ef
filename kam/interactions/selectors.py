from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kam.accounts.rules import account_visibility_q
from kam.interactions.models import Interaction
from kam.users.models import User


def interactions_visible_to(user: User) -> QuerySet[Interaction]:
    return Interaction.objects.filter(account_visibility_q(user, prefix="account__"))


def interaction_get_visible(user: User, pk: int) -> Interaction:
    return get_object_or_404(interactions_visible_to(user).select_related("account"), pk=pk)
