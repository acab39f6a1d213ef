"""Who may claim from a pool, who configures pools, and the visibility grant for lapsed
accounts. Visibility itself stays in kam.accounts.rules: an account in the pool (no owner) is
visible to everyone there, and this module adds the accounts whose protection has lapsed —
they are claimable the moment the protection ends, before any job moves them."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.pools.models import Placement, Pool
from kam.users.enums import Role
from kam.users.models import User

CLAIMING_ROLES = frozenset({Role.ACCOUNT_MANAGER, Role.SALES_MANAGER})
CONFIGURING_ROLES = frozenset({Role.SALES_DIRECTOR, Role.GENERAL_MANAGER, Role.ADMIN})


def lapsed_account_ids(scope: frozenset[int]) -> QuerySet:
    """The grant registered with the accounts' visibility: the same for every viewer."""
    return Placement.objects.filter(protected_until__lt=timezone.now()).values("account_id")


def pool_claim_refusal(user: User, pool: Pool) -> str:
    """Why `user` may not claim from `pool` ("" when they may); the message is shown as is."""
    if not user.is_authenticated or not user.is_active:
        return _("请先登录。")
    if user.role not in CLAIMING_ROLES:
        return _("只有客户经理和销售经理可以领取公海客户。")
    if not pool.active:
        return _("该公海已停用。")
    team_ids = {team.pk for team in pool.teams.all()}
    if team_ids and user.team_id not in team_ids:
        return _("你的团队不能从“%(pool)s”领取客户。") % {"pool": pool.name}
    return ""


def pool_can_configure(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in CONFIGURING_ROLES
