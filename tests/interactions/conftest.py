"""Accounts and files the interaction tests share.

rep owns `account` (contacts 张伟, 李娜); other_rep owns `other_account` (contact 王强);
solution_manager sits on `account`'s team.
"""

import io
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import AccountFactory, AccountTeamMemberFactory, ContactFactory

PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The personas each hash a password; the production hasher makes that seconds per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def account(rep):
    return AccountFactory(name="西安市第一人民医院", owner=rep)


@pytest.fixture
def zhang(account):
    return ContactFactory(account=account, name="张伟", title="信息科主任")


@pytest.fixture
def li(account):
    return ContactFactory(account=account, name="李娜", title="院长")


@pytest.fixture
def other_account(other_rep):
    return AccountFactory(name="咸阳市中心医院", owner=other_rep)


@pytest.fixture
def wang(other_account):
    return ContactFactory(account=other_account, name="王强")


@pytest.fixture
def team_member(account, solution_manager):
    AccountTeamMemberFactory(account=account, user=solution_manager, role="solution")
    return solution_manager


def at(day: int, hour: int = 2, month: int = 11) -> datetime:
    """A fixed moment in 2026 (UTC)."""
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


def visit_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "visit",
        "occurred_at": at(10),
        "subject": "信息化规划交流",
        "content": "介绍了整体方案。",
        "reception_notes": "",
        "outcome": "院方认可方向",
        "next_step": "",
        "next_step_date": None,
        "accompanied": False,
        "accompanied_by": None,
    }
    data.update(overrides)
    return data


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def file_io(name: str, content: bytes) -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle
