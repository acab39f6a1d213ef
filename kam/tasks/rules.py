"""Who sees and works a task, and who configures a team's group bot (SPEC §1 applied to R-REV-3).

A task belongs to its owner's reporting line: the owner and everyone above them see and work it.
"""

from django.db.models import Q

from kam.accounts.rules import owner_scope_ids
from kam.tasks.models import Task, TeamWebhook
from kam.users.enums import Role
from kam.users.models import Team, User

WEBHOOK_MANAGER_ROLES = frozenset({Role.SALES_MANAGER, Role.SALES_DIRECTOR})


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def task_visibility_q(user: User) -> Q:
    if not _active(user):
        return Q(pk__in=[])
    if user.sees_everything:
        return Q()
    return Q(owner_id__in=owner_scope_ids(user))


def task_can_edit(user: User, task: Task) -> bool:
    if not _active(user):
        return False
    return user.sees_everything or task.owner_id in owner_scope_ids(user)


def task_can_assign_to(user: User, owner: User) -> bool:
    """A task is for oneself, or handed down the reporting line."""
    if not _active(user) or not owner.is_active:
        return False
    return user.sees_everything or owner.pk in owner_scope_ids(user)


def team_subtree_ids(team_id: int) -> set[int]:
    """The team and every team below it (a few levels; one query per level)."""
    found = {team_id}
    frontier = {team_id}
    while frontier:
        below = set(Team.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = below - found
        found |= frontier
    return found


def webhook_team_ids(user: User) -> set[int] | None:
    """The teams whose group bots `user` configures: None means every team (GM/admin); sales
    managers and directors configure their own team and the teams under it."""
    if not _active(user):
        return set()
    if user.sees_everything:
        return None
    if user.role not in WEBHOOK_MANAGER_ROLES or user.team_id is None:
        return set()
    return team_subtree_ids(user.team_id)


def webhook_can_manage_team(user: User, team_id: int) -> bool:
    teams = webhook_team_ids(user)
    return teams is None or team_id in teams


def webhook_can_manage(user: User, webhook: TeamWebhook) -> bool:
    return webhook_can_manage_team(user, webhook.team_id)


def webhook_visibility_q(user: User) -> Q:
    """Managers see the bots they configure; everyone sees their own team's (URL masked)."""
    if not _active(user):
        return Q(pk__in=[])
    teams = webhook_team_ids(user)
    if teams is None:
        return Q()
    if user.team_id is not None:
        teams = teams | {user.team_id}
    return Q(team_id__in=teams)
