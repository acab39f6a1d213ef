from django.http import HttpRequest

from kam.users.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """Every page sits behind the login middleware, so views may rely on a real User."""

    user: User
