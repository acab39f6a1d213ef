"""Small helpers for the account tests: real-format credit codes and normalised accounts."""

from typing import Any, cast

from kam.accounts.models import Account
from kam.accounts.validators import credit_code_check_char
from tests.factories import AccountFactory


def credit_code(prefix: str) -> str:
    """A valid 18-character code from a 17-character prefix."""
    return prefix + credit_code_check_char(prefix)


def make_account(**kwargs: Any) -> Account:
    """An account with its normalised name (kept for the tests' readability)."""
    return cast(Account, AccountFactory(**kwargs))
