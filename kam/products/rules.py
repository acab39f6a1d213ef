"""Who manages the catalogue. Products are not customer data: every logged-in user reads them."""

from kam.users.enums import Role
from kam.users.models import User


def catalogue_manageable_by(user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.role in {Role.ADMIN, Role.GENERAL_MANAGER}
