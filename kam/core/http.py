from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from kam.users.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """Every page sits behind the login middleware, so views may rely on a real User (and on
    django-htmx's middleware for `htmx`)."""

    user: User
    htmx: HtmxDetails
