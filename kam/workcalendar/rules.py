"""Who maintains the working-day calendar: it drives every deadline, so only admin and GM."""

from kam.users.enums import Role
from kam.users.models import User


def calendar_manageable_by(user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.role in {Role.ADMIN, Role.GENERAL_MANAGER}
