"""CSV export of the generated data set (`demo_export_csv`, `demo_load --scale --csv`)."""

import csv
from collections.abc import Iterator
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models, transaction

from kam.accounts.models import Account
from kam.contacts.models import Contact
from kam.demo.scale_csv import FILES, scale_csv_export
from kam.interactions.models import Interaction
from kam.opportunities.models import Opportunity
from tests.demo.test_demo_scale import SCALE

TABLES: dict[str, type[models.Model]] = {
    "accounts.csv": Account, "people.csv": Contact, "deals.csv": Opportunity,
    "notes.csv": Interaction,
}  # fmt: skip
TRICKY = '客户说："价格, 再谈"\n下周三回复'


@pytest.fixture(scope="module")
def exported_once(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, str]]:
    """The small benchmark set loaded with `--csv`, once for this module, rolled back after."""
    directory = tmp_path_factory.mktemp("csv")
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        # contracts are not exported, so they need not be generated
        call_command("demo_load", *SCALE, "--contracts", "0", "--csv", str(directory), stdout=out)
        yield directory, out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def exported(exported_once: tuple[Path, str], db: None) -> tuple[Path, str]:
    return exported_once


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def test_each_file_has_its_header_and_one_row_per_record(exported: tuple[Path, str]) -> None:
    directory, output = exported
    for name, (header, _rows) in FILES.items():
        path = directory / name
        assert path.read_bytes().startswith("\ufeff".encode())  # so Excel reads it as UTF-8
        with path.open(encoding="utf-8-sig", newline="") as file:
            rows = list(csv.reader(file))
        assert rows[0] == list(header)
        assert len(rows) - 1 == TABLES[name]._default_manager.count() > 0
        assert f"{name}：{len(rows) - 1} 行" in output


def test_text_survives_the_round_trip(exported: tuple[Path, str], tmp_path: Path) -> None:
    person = Contact.objects.order_by("pk")[10]
    Contact.objects.filter(pk=person.pk).update(title=TRICKY, department="采购部,设备科")
    note = Interaction.objects.filter(their_participants=person).order_by("pk").first()
    assert note is not None
    Interaction.objects.filter(pk=note.pk).update(subject='方案, "二期"', content=TRICKY)
    scale_csv_export(tmp_path, out=lambda line: None)
    people = {row["person_id"]: row for row in read(tmp_path / "people.csv")}
    assert people[str(person.pk)]["title"] == TRICKY
    assert people[str(person.pk)]["department"] == "采购部,设备科"
    assert people[str(person.pk)]["account_name"] == person.account.name
    notes = {row["note_id"]: row for row in read(tmp_path / "notes.csv")}
    row = notes[str(note.pk)]
    assert (row["subject"], row["body"]) == ('方案, "二期"', TRICKY)
    assert str(person.pk) in row["person_ids"].split(";")
    assert row["owner_username"] in row["usernames"].split(";")


def test_notes_list_their_people_and_ours(exported: tuple[Path, str]) -> None:
    notes = read(exported[0] / "notes.csv")
    theirs = Interaction.their_participants.through.objects
    ours = Interaction.our_participants.through.objects
    for row in notes[:: len(notes) // 50]:
        pk = int(row["note_id"])
        people = theirs.filter(interaction_id=pk).order_by("contact_id")
        assert row["person_ids"] == ";".join(
            str(c) for c in people.values_list("contact_id", flat=True)
        )
        users = ours.filter(interaction_id=pk).order_by("user_id")
        assert row["usernames"] == ";".join(users.values_list("user__username", flat=True))
    assert any(";" in row["person_ids"] for row in notes)


def test_amounts_are_exact(exported: tuple[Path, str]) -> None:
    deals = read(exported[0] / "deals.csv")
    amounts = dict(Opportunity.objects.values_list("pk", "amount"))
    for row in deals:
        assert Decimal(row["amount"]) == amounts[int(row["deal_id"])]
        assert row["amount"] == f"{amounts[int(row['deal_id'])]:.2f}"
    assert sum(Decimal(row["amount"]) for row in deals) == sum(amounts.values())
    assert {row["status"] for row in deals} == {"open", "won", "lost"}
    assert all(row["closed_at"] for row in deals if row["status"] != "open")


def test_the_command_writes_the_same_files_in_any_chunk_size(
    exported: tuple[Path, str], tmp_path: Path
) -> None:
    out = StringIO()
    call_command("demo_export_csv", "--out", str(tmp_path), "--chunk-size", "7", stdout=out)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (exported[0] / name).read_bytes()
        assert f"{name}：" in out.getvalue()


def test_csv_needs_scale(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("demo_load", "--csv", str(tmp_path), stdout=StringIO())
