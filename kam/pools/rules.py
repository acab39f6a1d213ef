"""Who may claim from a pool, who configures pools, and the visibility grant for lapsed
accounts. Visibility itself stays in kam.accounts.rules: an account in the pool (no owner) is
visible to everyone there, and this module adds the accounts whose protection has lapsed —
they are claimable the moment the protection ends, before any job moves them."""

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
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


def pool_team_barred(user: User) -> ExpressionWrapper:
    """Whether the pool's teams leave `user`'s out, as a column of a query of placements (a
    pool with no teams bars no one)."""
    teams = Pool.teams.through.objects.filter(pool_id=OuterRef("pool_id"))
    barred = Q(Exists(teams))
    if user.team_id is not None:
        barred &= ~Q(Exists(teams.filter(team_id=user.team_id)))
    return ExpressionWrapper(barred, output_field=BooleanField())


def pool_claim_refusal(user: User, pool: Pool, *, team_barred: bool | None = None) -> str:
    """Why `user` may not claim from `pool` ("" when they may); the message is shown as is.
    `team_barred` is `pool_team_barred` if the caller read it with the pool."""
    if not user.is_authenticated or not user.is_active:
        return _("请先登录。")
    if user.role not in CLAIMING_ROLES:
        return _("只有客户经理和销售经理可以领取公海客户。")
    if not pool.active:
        return _("该公海已停用。")
    if team_barred is None:
        team_ids = {team.pk for team in pool.teams.all()}
        team_barred = bool(team_ids) and user.team_id not in team_ids
    if team_barred:
        return _("你的团队不能从“%(pool)s”领取客户。") % {"pool": pool.name}
    return ""


def pool_can_configure(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in CONFIGURING_ROLES
