"""A user's permissions come from their own grants and their groups', in one query, as Django's
model backend gives them."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from kam.users.backends import PermissionsInOneQuery
from kam.users.models import User
from kam.users.selectors import user_subordinate_ids
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EXPORT = "users.export_data"


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # no permission cache


def _permission(codename: str) -> Permission:
    return Permission.objects.get(codename=codename)


@pytest.fixture
def granted():
    """Users granted export directly, through a group, both, neither; a superuser; and an
    inactive user who was granted it."""
    group = Group.objects.create(name="导出")
    group.permissions.add(_permission("export_data"), _permission("view_user"))
    own, via_group, both, neither = UserFactory.create_batch(4)
    own.user_permissions.add(_permission("export_data"))
    via_group.groups.add(group)
    both.user_permissions.add(_permission("export_data"), _permission("change_user"))
    both.groups.add(group)
    inactive = UserFactory(is_active=False)
    inactive.user_permissions.add(_permission("export_data"))
    superuser = UserFactory(is_superuser=True)
    return {
        "own": own, "via_group": via_group, "both": both, "neither": neither,
        "inactive": inactive, "superuser": superuser,
    }  # fmt: skip


def test_the_permissions_are_django_models_backends(granted):
    for name, user in granted.items():
        ours = PermissionsInOneQuery().get_all_permissions(_fresh(user))
        django = ModelBackend().get_all_permissions(_fresh(user))
        assert ours == django, name
    assert _fresh(granted["both"]).has_perm("users.change_user")
    assert not _fresh(granted["inactive"]).has_perm(EXPORT)
    allowed = {name for name, user in granted.items() if _fresh(user).has_perm(EXPORT)}
    assert allowed == {"own", "via_group", "both", "superuser"}


def test_one_query_then_none(granted, django_assert_num_queries):
    user = _fresh(granted["both"])

    with django_assert_num_queries(1):
        assert user.has_perm(EXPORT)
        assert user.has_perm("users.view_user")
        assert not user.has_perm("users.delete_user")


def test_the_session_user_comes_with_their_permissions(granted, django_assert_num_queries):
    backend = PermissionsInOneQuery()
    for name, user in granted.items():
        with django_assert_num_queries(1):
            loaded = backend.get_user(user.pk)
        if name == "inactive":
            assert loaded is None
            continue
        assert loaded is not None
        expected = ModelBackend().get_all_permissions(_fresh(user))
        with django_assert_num_queries(0 if name != "superuser" else 1):
            assert backend.get_all_permissions(loaded) == expected, name
    assert backend.get_user(10**9) is None


def test_the_session_user_comes_with_their_subordinates_and_team(django_assert_num_queries):
    """The reports-to chain every visibility check needs is read with the user's row: the
    same ids as the query of its own, at every depth, inactive users ending their branch."""
    director = UserFactory()
    manager = UserFactory(manager=director)
    reps = UserFactory.create_batch(2, manager=manager)
    UserFactory(manager=reps[0])  # a rep's assistant: three levels below the director
    left = UserFactory(manager=manager, is_active=False)
    UserFactory(manager=left)  # below an inactive user: not counted
    backend = PermissionsInOneQuery()
    for user in [director, manager, *reps, left]:
        expected = user_subordinate_ids(_fresh(user))
        with django_assert_num_queries(1):
            loaded = backend.get_user(user.pk)
        if not user.is_active:
            assert loaded is None
            continue
        with django_assert_num_queries(0):
            assert user_subordinate_ids(loaded) == expected
            assert loaded.team == user.team
    assert user_subordinate_ids(_fresh(director)) == {
        manager.pk,
        *(rep.pk for rep in reps),
        reps[0].direct_reports.get().pk,
    }
    assert user_subordinate_ids(_fresh(reps[1])) == set()


def test_the_session_user_is_the_row_as_the_orm_reads_it(team_one, django_assert_num_queries):
    """The prepared query gives every field (converted: booleans, times) and the team."""
    with_team = UserFactory(team=team_one, last_login=timezone.now(), email="a@example.com")
    without_team = UserFactory(team=None)
    backend = PermissionsInOneQuery()
    for user in (with_team, without_team):
        loaded = backend.get_user(str(user.pk))  # the session keeps the id as text
        fresh = User.objects.select_related("team").get(pk=user.pk)
        assert loaded is not None and not loaded._state.adding
        for field in User._meta.concrete_fields:
            assert getattr(loaded, field.attname) == getattr(fresh, field.attname), field.name
        with django_assert_num_queries(0):
            assert loaded.team == fresh.team
            if fresh.team is not None:
                assert (loaded.team.name, loaded.team.parent_id) == (
                    fresh.team.name, fresh.team.parent_id,
                )  # fmt: skip
    assert backend.get_user("not a number") is None
