"""The generated data set as plain CSV, for loading the same data into another CRM.

Four files, joined by their id columns: accounts.csv, people.csv (key people), deals.csv
(opportunities) and notes.csv (interactions; a note's people and our participants are
`;`-joined lists in one column each, so no link file is needed). Read from the database, so
any generated database can be exported, SQLite or PostgreSQL, old or new.

Choice fields are exported as their stored codes ("manufacturing", "won"), which do not change
with the interface language. Amounts are yuan with two decimals, written from the Decimal.
Times are ISO 8601 in the project's time zone, with the offset. The files are UTF-8 with a BOM
(Excel otherwise reads Chinese as mojibake; import tools skip it) and RFC 4180 quoting, so
commas, quotes and line breaks in text survive.

Rows are read in primary-key order, a chunk at a time, each query starting after the last key
seen: memory stays flat however many notes there are. Names come from the joined account row
or from small lookup tables (users, teams, stages), never one query per row.
"""

import csv
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone

from kam.accounts.models import Account
from kam.contacts.models import Contact
from kam.interactions.models import Interaction
from kam.opportunities.models import Opportunity, Stage
from kam.users.models import Team, User

Writer = Callable[[str], None]
CHUNK_SIZE = 10_000

ACCOUNT_HEADER = (
    "account_id", "name", "credit_code", "industry", "province", "city", "level",
    "parent_account_id", "size", "status", "grade", "purchase_scenario", "owner_username",
    "team", "website", "description", "last_activity_at", "created_at",
)  # fmt: skip
PERSON_HEADER = (
    "person_id", "account_id", "account_name", "name", "title", "department", "phone",
    "email", "wechat", "reports_to_person_id", "status", "decision_role", "influence",
    "attitude", "last_contact_at",
)  # fmt: skip
DEAL_HEADER = (
    "deal_id", "number", "account_id", "account_name", "owner_username", "title", "amount",
    "stage", "status", "probability", "forecast_category", "expected_close", "closed_at",
    "close_reason", "created_at",
)  # fmt: skip
NOTE_HEADER = (
    "note_id", "account_id", "account_name", "owner_username", "kind", "date", "subject",
    "body", "outcome", "next_step", "next_step_date", "person_ids", "usernames",
)  # fmt: skip


def cell(value: Any) -> str:
    """One value as CSV text: "" for NULL, exact Decimal text, local ISO 8601 times."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _chunks(
    queryset: QuerySet[Any], fields: Sequence[str], size: int
) -> Iterator[list[tuple[Any, ...]]]:
    """`(pk, *fields)` rows in pk order, `size` per query (keyset: after the last pk seen)."""
    page = queryset.order_by("pk")
    last: int | None = None
    while True:
        rows = page if last is None else page.filter(pk__gt=last)
        chunk = list(rows.values_list("pk", *fields)[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1][0]


def _usernames() -> dict[int, str]:
    return dict(User.objects.values_list("pk", "username"))


def _account_rows(size: int) -> Iterator[Sequence[Any]]:
    users, teams = _usernames(), dict(Team.objects.values_list("pk", "name"))
    fields = (
        "name", "credit_code", "industry", "province", "city", "level", "parent_id", "size",
        "status", "grade", "purchase_scenario", "owner_id", "team_id", "website",
        "description", "last_activity_at", "created_at",
    )  # fmt: skip
    for chunk in _chunks(Account.objects.all(), fields, size):
        for *head, owner, team, website, description, active, created in chunk:
            yield (*head, users.get(owner), teams.get(team), website, description, active,
                   created)  # fmt: skip


def _person_rows(size: int) -> Iterator[Sequence[Any]]:
    fields = (
        "account_id", "account__name", "name", "title", "department", "phone", "email",
        "wechat", "reports_to_id", "status", "decision_role", "influence", "attitude",
        "last_contact_at",
    )  # fmt: skip
    for chunk in _chunks(Contact.objects.all(), fields, size):
        yield from chunk


def _deal_rows(size: int) -> Iterator[Sequence[Any]]:
    users = _usernames()
    stages = {
        pk: (name, kind) for pk, name, kind in Stage.objects.values_list("pk", "name_zh", "kind")
    }
    fields = (
        "number", "account_id", "account__name", "owner_id", "name", "amount", "stage_id",
        "probability", "forecast_category", "expected_sign_date", "closed_at", "close_reason",
        "created_at",
    )  # fmt: skip
    for chunk in _chunks(Opportunity.objects.all(), fields, size):
        for pk, number, account, account_name, owner, title, amount, stage, *tail in chunk:
            stage_name, status = stages[stage]
            yield (pk, number, account, account_name, users.get(owner), title, amount,
                   stage_name, status, *tail)  # fmt: skip


def _participants(through: type[Model], column: str, first: int, last: int) -> dict[int, list[Any]]:
    """Interaction id → its participant ids (`column`), for the ids first..last."""
    found: dict[int, list[Any]] = defaultdict(list)
    links = through._default_manager.filter(interaction__gte=first, interaction__lte=last)
    for note, participant in links.order_by("interaction_id", column).values_list(
        "interaction_id", column
    ):
        found[note].append(participant)
    return found


def _note_rows(size: int) -> Iterator[Sequence[Any]]:
    users = _usernames()
    fields = (
        "account_id", "account__name", "created_by_id", "kind", "occurred_at", "subject",
        "content", "outcome", "next_step", "next_step_date",
    )  # fmt: skip
    theirs = Interaction.their_participants.through
    ours = Interaction.our_participants.through
    for chunk in _chunks(Interaction.objects.all(), fields, size):
        first, last = chunk[0][0], chunk[-1][0]
        people = _participants(theirs, "contact_id", first, last)
        colleagues = _participants(ours, "user_id", first, last)
        for pk, account, account_name, owner, *text in chunk:
            yield (
                pk, account, account_name, users.get(owner), *text,
                ";".join(str(person) for person in people.get(pk, ())),
                ";".join(users[user] for user in colleagues.get(pk, ())),
            )  # fmt: skip


FILES: dict[str, tuple[Sequence[str], Callable[[int], Iterator[Sequence[Any]]]]] = {
    "accounts.csv": (ACCOUNT_HEADER, _account_rows),
    "people.csv": (PERSON_HEADER, _person_rows),
    "deals.csv": (DEAL_HEADER, _deal_rows),
    "notes.csv": (NOTE_HEADER, _note_rows),
}


def scale_csv_export(
    directory: Path, *, chunk_size: int = CHUNK_SIZE, out: Writer = print
) -> dict[str, int]:
    """Write the four files into `directory` (created if missing); returns rows per file."""
    directory.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for name, (header, rows) in FILES.items():
        started = time.monotonic()
        with (directory / name).open("w", encoding="utf-8-sig", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(header)
            count = 0
            for row in rows(chunk_size):
                writer.writerow([cell(value) for value in row])
                count += 1
        counts[name] = count
        out(f"{name}：{count} 行，{time.monotonic() - started:.1f} 秒")
    return counts
