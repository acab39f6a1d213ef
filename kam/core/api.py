"""Helpers every API router shares: the authenticated user and service errors as field lists."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.http import HttpRequest

from kam.users.models import User


def api_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - the API's auth always sets a real user
    return user


def validation_errors(
    error: ValidationError, names: Mapping[str, str] | None = None
) -> dict[str, list[str]]:
    """A service's ValidationError as {field: [messages]}, fields renamed to the API's names."""
    if not hasattr(error, "error_dict"):
        return {"__all__": [str(message) for message in error.messages]}
    names = names or {}
    return {names.get(key, key): list(value) for key, value in error.message_dict.items()}
