"""The demo company's org: one login per role, all with the password DEMO_PASSWORD."""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import transaction

from kam.users.enums import Role
from kam.users.models import Team, User

DEMO_PASSWORD = "kam-demo-2026"  # noqa: S105 - the published demo password

# username, display name, role, team key, manager username
DEMO_USERS = [
    ("gm", "王建国", Role.GENERAL_MANAGER, "company", None),
    ("admin", "系统管理员", Role.ADMIN, "company", None),
    ("finance", "钱会计", Role.FINANCE, "company", "gm"),
    ("director", "赵志远", Role.SALES_DIRECTOR, "division", "gm"),
    ("manager1", "孙立新", Role.SALES_MANAGER, "team1", "director"),
    ("manager2", "吴海燕", Role.SALES_MANAGER, "team2", "director"),
    ("rep1", "李明", Role.ACCOUNT_MANAGER, "team1", "manager1"),
    ("rep2", "周婷", Role.ACCOUNT_MANAGER, "team1", "manager1"),
    ("rep3", "郑浩", Role.ACCOUNT_MANAGER, "team2", "manager2"),
    ("rep4", "陈静", Role.ACCOUNT_MANAGER, "team2", "manager2"),
    ("solution", "刘方案", Role.SOLUTION_MANAGER, "division", "director"),
    ("delivery", "黄交付", Role.DELIVERY_MANAGER, "division", "director"),
]

TEAMS = {
    "company": ("秦川科技有限公司", None),
    "division": ("大客户事业部", "company"),
    "team1": ("运营商与政企一组", "division"),
    "team2": ("医疗与制造二组", "division"),
}


@transaction.atomic
def demo_org_create() -> dict[str, User]:
    teams: dict[str, Team] = {}
    for key, (name, parent) in TEAMS.items():
        teams[key], _ = Team.objects.get_or_create(
            name=name, defaults={"parent": teams[parent] if parent else None}
        )
    export = Permission.objects.get(codename="export_data", content_type__app_label="users")
    # One hash for every demo login: the password is published anyway, and hashing it twelve
    # times would make each load (and each test that loads the demo) seconds slower.
    password = make_password(DEMO_PASSWORD)
    users: dict[str, User] = {}
    for username, display, role, team, manager in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "display_name": display,
                "role": role,
                "team": teams[team],
                "manager": users.get(manager) if manager else None,
                "email": f"{username}@demo.kam.local",
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
            },
        )
        if created:
            user.password = password
            user.save(update_fields=["password"])
            if role in {Role.SALES_DIRECTOR, Role.SALES_MANAGER, Role.FINANCE}:
                user.user_permissions.add(export)
        users[username] = user
    return users
