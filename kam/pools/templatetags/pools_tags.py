from typing import Any

from django import template

from kam.accounts.models import Account
from kam.pools.selectors import account_pool_status

register = template.Library()


@register.inclusion_tag("pools/account_card.html", takes_context=True)
def account_pool_card(context: dict[str, Any], account: Account) -> dict[str, Any]:
    """The pool's view of an account on its page: protection, and claim / release buttons."""
    request = context["request"]
    return {
        "account": account,
        "status": account_pool_status(request.user, account),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
