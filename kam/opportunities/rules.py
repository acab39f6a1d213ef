"""Who configures sales processes (R-OPP-2). Everyone logged in may read them."""

from kam.users.enums import Role
from kam.users.models import User


def sales_process_manageable_by(user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.role in {Role.ADMIN, Role.GENERAL_MANAGER}
