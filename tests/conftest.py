"""Personas shared by every test: a rep, the rep's manager, a rep of another team, and so on.

company (GM, admin, finance)
└── 华北大客户部 (director)
    ├── 一组: manager ← rep, colleague
    └── 二组: other_manager ← other_rep
"""

import os
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, sync_playwright

from kam.users.enums import Role
from kam.users.models import User
from tests.factories import TeamFactory, UserFactory


@pytest.fixture
def company(db):
    return TeamFactory(name="总公司")


@pytest.fixture
def division(company):
    return TeamFactory(name="华北大客户部", parent=company)


# Every persona fixture below, for tests that check a rule for each of them.
PERSONAS = [
    "gm", "admin_user", "director", "manager", "rep", "colleague", "other_manager",
    "other_rep", "solution_manager", "finance",
]  # fmt: skip


@pytest.fixture
def team_one(division):
    return TeamFactory(name="一组", parent=division)


@pytest.fixture
def team_two(division):
    return TeamFactory(name="二组", parent=division)


@pytest.fixture
def gm(company):
    return UserFactory(username="gm", display_name="王总", role=Role.GENERAL_MANAGER, team=company)


@pytest.fixture
def admin_user(company):
    return UserFactory(username="admin", display_name="管理员", role=Role.ADMIN, team=company)


@pytest.fixture
def finance(company):
    return UserFactory(username="finance", display_name="钱会计", role=Role.FINANCE, team=company)


@pytest.fixture
def director(division, gm):
    return UserFactory(
        username="director", display_name="赵总监", role=Role.SALES_DIRECTOR, team=division,
        manager=gm,
    )  # fmt: skip


@pytest.fixture
def manager(team_one, director):
    return UserFactory(
        username="manager", display_name="孙经理", role=Role.SALES_MANAGER, team=team_one,
        manager=director,
    )  # fmt: skip


@pytest.fixture
def rep(team_one, manager):
    return UserFactory(username="rep", display_name="李销售", team=team_one, manager=manager)


@pytest.fixture
def colleague(team_one, manager):
    return UserFactory(username="colleague", display_name="周销售", team=team_one, manager=manager)


@pytest.fixture
def other_manager(team_two, director):
    return UserFactory(
        username="other_manager", display_name="吴经理", role=Role.SALES_MANAGER, team=team_two,
        manager=director,
    )  # fmt: skip


@pytest.fixture
def other_rep(team_two, other_manager):
    return UserFactory(username="other_rep", display_name="郑销售", team=team_two,
                       manager=other_manager)  # fmt: skip


@pytest.fixture
def solution_manager(team_one, manager):
    return UserFactory(
        username="solution", display_name="钱方案", role=Role.SOLUTION_MANAGER, team=team_one,
        manager=manager,
    )  # fmt: skip


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def rep_client(rep) -> Client:
    return client_for(rep)


# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures in the
# same thread are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=settings.CHROMIUM_PATH,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
