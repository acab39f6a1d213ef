"""`demo_load --scale`: the benchmark-size data set (100k accounts, 500k people, 2M interactions).

Written for speed, not for the ORM's comfort: ids are assigned here (max id + 1 onwards, the
sequences are reset afterwards), rows are plain tuples sent in batches (`executemany`; COPY on
PostgreSQL), and all text comes from fragment pools generated up front, so each row costs a few
random draws. The search documents are written alongside (terms computed once per fragment, see
kam.demo.bulk) and the full-text index is built once at the end, not row by row. Interactions
are written in time order, and the search documents of every kind are renumbered by creation
time at the end (kam.demo.scale_search), so document ids follow time as in a running system.
Everything is deterministic per seed. Run it on a fresh database (it refuses to run twice).
"""

import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from kam.accounts.models import Account
from kam.accounts.names import account_name_normalize
from kam.contacts.models import Contact
from kam.demo import catalog
from kam.demo.bulk import (
    BulkTable,
    SearchRows,
    SecondaryIndexes,
    bulk_set_moments,
    clear_caches,
    in_background,
    interaction_row,
    interaction_text,
    next_id,
)
from kam.demo.credit_codes import (
    ENTERPRISE,
    GOVERNMENT,
    PUBLIC_INSTITUTION,
    REGION_CODES,
    credit_code_make,
)
from kam.demo.people import DEMO_PASSWORD, demo_org_create
from kam.demo.scale_deals import DEAL_MODELS, DealsLoad
from kam.demo.scale_names import BRANDS, CITIES, GOV_DEPTS, INDUSTRY_NAMES
from kam.demo.scale_search import search_documents_in_time_order
from kam.interactions.models import Interaction
from kam.search import index
from kam.search.models import SearchDocument
from kam.users.enums import Role
from kam.users.models import Team, User

Writer = Callable[[str], None]
LOCAL = ZoneInfo("Asia/Shanghai")
SCALE_MARKER_USERNAME = "s_dir01"
REPS_PER_TEAM = 10
TEAMS_PER_DIRECTOR = 4

GRADES = ["A", "B", "C", "C", "D", "D"]
INTERACTION_WEIGHT = {"A": 8, "B": 4, "C": 2, "D": 1}
KINDS = ["visit"] * 35 + ["call"] * 25 + ["meeting"] * 15 + ["demo"] * 8 + ["site_visit"] * 5
KINDS += ["reception"] * 5 + ["trial"] * 7
BULK_MODELS: list[type[models.Model]] = [
    Account, Contact, Interaction, Interaction.our_participants.through,
    Interaction.their_participants.through, *DEAL_MODELS,
]  # fmt: skip
# an interaction text from the pools: subject, content, outcome, next step, (title, body, terms)
_Text = tuple[str, str, str, str, tuple[str, str, str]]


@dataclass(frozen=True)
class ScaleSize:
    accounts: int = 100_000
    people: int = 500_000
    interactions: int = 2_000_000
    reps: int = 200
    opportunities: int = 200_000
    contracts: int = 50_000


def _credit_kind(industry: str) -> str:
    return {"government": GOVERNMENT, "healthcare": PUBLIC_INSTITUTION}.get(industry, ENTERPRISE)


class _ScaleLoad:
    def __init__(self, *, size: ScaleSize, seed: int, batch_size: int, out: Writer) -> None:
        self.size, self.batch, self.out = size, batch_size, out
        self.rng = random.Random(seed)  # noqa: S311 - benchmark data is pseudo-random on purpose
        self.started = time.monotonic()
        self.now = timezone.now().replace(microsecond=0)
        ops = connection.ops
        self.adapt_dt: Callable[[datetime], Any] = ops.adapt_datetimefield_value
        self.adapt_date: Callable[[date], Any] = ops.adapt_datefield_value
        # per-account facts the later phases need
        self.owner: list[int | None] = []
        self.grade: list[str] = []
        self.industry: list[str] = []
        self.contact_start: list[int] = []  # first contact id of account i
        self.contact_count: list[int] = []
        self.rep_ids: list[int] = []
        self.rep_team: dict[int, int | None] = {}
        self.rep_manager: dict[int, int] = {}
        self.first_account = 0
        self.search = SearchRows(self.now)

    def log(self, message: str) -> None:
        self.out(f"[{time.monotonic() - self.started:7.1f}s] {message}")

    # ---- users: directors → managers → reps under the demo company
    @transaction.atomic
    def load_users(self) -> None:
        rng = self.rng
        org = demo_org_create()
        company = org["gm"].team
        password = make_password(DEMO_PASSWORD)
        teams = math.ceil(self.size.reps / REPS_PER_TEAM)
        directors = math.ceil(teams / TEAMS_PER_DIRECTOR)

        def person() -> str:
            return rng.choice(catalog.SURNAMES) + rng.choice(catalog.GIVEN_NAMES)

        def user(username: str, role: str, team: Team, manager: User) -> User:
            return User(
                username=username, display_name=person(), role=role, team=team, manager=manager,
                email=f"{username}@scale.kam.local", password=password,
            )  # fmt: skip

        regions = [Team(name=f"大区{d + 1:02d}", parent=company) for d in range(directors)]
        Team.objects.bulk_create(regions)
        region_heads = User.objects.bulk_create(
            [
                user(f"s_dir{d + 1:02d}", Role.SALES_DIRECTOR, regions[d], org["gm"])
                for d in range(directors)
            ]
        )
        groups = [
            Team(name=f"大区{t // TEAMS_PER_DIRECTOR + 1:02d}-{t % TEAMS_PER_DIRECTOR + 1}组",
                 parent=regions[t // TEAMS_PER_DIRECTOR])
            for t in range(teams)
        ]  # fmt: skip
        Team.objects.bulk_create(groups)
        managers = User.objects.bulk_create(
            [
                user(f"s_mgr{t + 1:03d}", Role.SALES_MANAGER, groups[t],
                     region_heads[t // TEAMS_PER_DIRECTOR])
                for t in range(teams)
            ]
        )  # fmt: skip
        reps = User.objects.bulk_create(
            [
                user(f"s_rep{r + 1:04d}", Role.ACCOUNT_MANAGER, groups[r // REPS_PER_TEAM],
                     managers[r // REPS_PER_TEAM])
                for r in range(self.size.reps)
            ]
        )  # fmt: skip
        self.rep_ids = [rep.pk for rep in reps]
        self.rep_team = {rep.pk: rep.team_id for rep in reps}
        self.rep_manager = {rep.pk: rep.manager_id for rep in reps if rep.manager_id}
        self.log(f"用户：{directors} 名总监，{teams} 名经理，{len(reps)} 名客户经理")

    # ---- accounts
    @transaction.atomic
    def load_accounts(self) -> None:
        rng, n = self.rng, self.size.accounts
        table = BulkTable(
            Account,
            ["id", "name", "name_normalized", "credit_code", "industry", "province", "city",
             "level", "parent_id", "website", "size", "status", "grade", "purchase_scenario",
             "owner_id", "team_id", "description", "created_by_id", "created_at", "updated_at",
             "version"],
            self.now,
        )  # fmt: skip
        first = self.first_account = next_id(Account)
        industries = [name for name, (_, share) in INDUSTRY_NAMES.items() for _ in range(share)]
        groups = max(1, n // 50)
        provinces = max(1, n // 10)
        created_pool = [self.adapt_dt(self.now - timedelta(days=d)) for d in range(400, 1500)]
        sizes = ["lt100", "lt1000", "lt1000", "lt10000", "gte10000"]
        statuses = ["active", "active", "active", "prospect", "prospect", "dormant", "lost"]
        rows: list[tuple[Any, ...]] = []
        for i in range(n):
            pk = first + i
            industry = rng.choice(industries)
            province, city = rng.choice(CITIES)
            patterns = INDUSTRY_NAMES[industry][0]
            name = rng.choice(patterns).format(
                city=city, brand=rng.choice(BRANDS), n=rng.randint(1, 9),
                dept=rng.choice(GOV_DEPTS),
            )  # fmt: skip
            if i < groups:
                level, parent = "group", None
            elif i < groups + provinces:
                level, parent = "province", first + rng.randrange(groups)
            else:
                level = "city" if rng.random() < 0.75 else "district"
                parent = first + groups + rng.randrange(provinces) if rng.random() < 0.4 else None
            grade = rng.choice(GRADES)
            owner = None if rng.random() < 0.03 else rng.choice(self.rep_ids)
            created = rng.choice(created_pool)
            credit_code = credit_code_make(
                serial=pk, region=REGION_CODES[city], kind=_credit_kind(industry)
            )
            rows.append((
                pk, name, account_name_normalize(name), credit_code,
                industry, province, city, level, parent, "", rng.choice(sizes),
                rng.choice(statuses), grade, rng.choice(["continuous", "occasional"]), owner,
                self.rep_team[owner] if owner else None, "", owner, created, created, 0,
            ))  # fmt: skip
            self.owner.append(owner)
            self.grade.append(grade)
            self.industry.append(industry)
            self.search.account(pk, name, credit_code, city, province)
            if len(rows) >= self.batch:
                table.insert(rows)
                self.search.flush()
                rows = []
        table.insert(rows)
        self.search.flush()
        self.log(f"客户：{n}")

    # ---- people
    @transaction.atomic
    def load_contacts(self) -> None:
        rng, n, total = self.rng, self.size.accounts, self.size.people
        table = BulkTable(
            Contact,
            ["id", "account_id", "name", "title", "department", "phone", "email", "wechat",
             "reports_to_id", "background", "character", "decision_style", "preferences",
             "status", "decision_role", "influence", "attitude", "closeness",
             "solution_acceptance", "price_acceptance", "guide_level", "created_at",
             "updated_at", "version"],
            self.now,
        )  # fmt: skip
        # how many people each account has: an even share, the remainder spread at random
        counts = [total // n] * n
        for i in rng.sample(range(n), total % n):
            counts[i] += 1
        first_account = self.first_account
        pk = next_id(Contact)
        stamp = self.adapt_dt(self.now - timedelta(days=300))
        names = [s + g for s in catalog.SURNAMES for g in catalog.GIVEN_NAMES]
        attitudes = ["supporter", "supporter", "neutral", "neutral", "neutral", "opponent"]
        prefixes = ["139", "138", "137", "158", "159", "136", "181", "189", "133"]
        rows: list[tuple[Any, ...]] = []
        for i in range(n):
            self.contact_start.append(pk)
            self.contact_count.append(counts[i])
            titles = catalog.TITLES[self.industry[i]] if self.industry[i] in catalog.TITLES else (
                catalog.TITLES["manufacturing"]
            )  # fmt: skip
            head = pk
            for j in range(counts[i]):
                title, department, role, influence, tier = titles[j % len(titles)]
                reports_to = None if j == 0 else head if tier < 2 or j < 2 else head + 1
                low = 1 if rng.random() < 0.2 else 2
                name = rng.choice(names)
                phone = f"{rng.choice(prefixes)}{rng.randrange(100_000_000):08d}"
                rows.append((
                    pk, first_account + i, name, title, department, phone, "", "",
                    reports_to, "", "", "", "", "in_post" if rng.random() < 0.97 else "left",
                    role, influence, rng.choice(attitudes), rng.randint(low, 5),
                    rng.randint(low, 5), rng.randint(low, 5),
                    rng.choice([0] * 9 + [1, 2, 3]), stamp, stamp, 0,
                ))  # fmt: skip
                self.search.contact(pk, first_account + i, name, title, department, phone)
                pk += 1
                if len(rows) >= self.batch:
                    table.insert(rows)
                    self.search.flush()
                    rows = []
        table.insert(rows)
        self.search.flush()
        self.log(f"关键人：{total}")

    # ---- interactions and their participants
    def _text_pools(self) -> dict[str, list[_Text]]:
        """Per industry: (subject, content, outcome, next_step, search document text)."""
        rng = self.rng
        pools: dict[str, list[_Text]] = {}
        for industry, titles in {**catalog.TITLES, "retail": catalog.TITLES["energy"]}.items():
            products = catalog.PRODUCTS.get(industry, catalog.PRODUCTS["manufacturing"])
            pool = []
            for _ in range(400):
                title, department, *_rest = rng.choice(titles)
                values = {
                    "title": title, "dept": department, "deputy": titles[1][0],
                    "name": rng.choice(catalog.SURNAMES) + rng.choice(catalog.GIVEN_NAMES),
                    "product": rng.choice(products), "concern": rng.choice(catalog.CONCERNS),
                    "competitor": rng.choice(catalog.COMPETITORS),
                    "quarter": rng.choice(["一季度", "二季度", "三季度", "四季度"]),
                    "budget": str(rng.choice([50, 80, 120, 200, 350, 500, 800])),
                }  # fmt: skip
                kind = rng.choice(list(catalog.SUBJECTS))
                subject = rng.choice(catalog.SUBJECTS[kind]).format(**values)[:200]
                content = rng.choice(catalog.CONTENTS).format(**values)
                outcome = rng.choice(catalog.OUTCOMES)
                next_step = rng.choice(catalog.NEXT_STEPS).format(**values)
                # the document text in kam.search.services' order (reception notes are empty)
                document = interaction_text(subject, content, "", outcome, next_step)
                pool.append((subject, content, outcome, next_step, document))
            pools[industry] = pool
        return pools

    def _moments(self) -> tuple[list[Any], list[Any]]:
        """Sorted working-hours moments over the past year (adapted), and next-step dates."""
        rng = self.rng
        start = self.now - timedelta(days=365)
        moments = []
        for _ in range(min(200_000, max(1000, self.size.interactions))):
            local = (start + timedelta(days=rng.randrange(365))).astimezone(LOCAL)
            local = local.replace(hour=rng.randint(9, 17), minute=rng.choice([0, 15, 30, 45]),
                                  second=0, microsecond=0)  # fmt: skip
            moments.append(min(local, self.now))
        moments.sort()
        dates = [self.adapt_date(m.date() + timedelta(days=rng.randint(3, 21))) for m in moments]
        return [self.adapt_dt(m) for m in moments], dates

    def load_interactions(self) -> None:
        rng, size = self.rng, self.size
        table = BulkTable(
            Interaction,
            ["id", "account_id", "kind", "occurred_at", "subject", "content", "reception_notes",
             "outcome", "next_step", "next_step_date", "accompanied", "accompanied_by_id",
             "created_by_id", "created_at", "updated_at", "version"],
            self.now,
        )  # fmt: skip
        ours = BulkTable(
            Interaction.our_participants.through, ["interaction_id", "user_id"], self.now
        )
        theirs = BulkTable(
            Interaction.their_participants.through, ["interaction_id", "contact_id"], self.now
        )
        pools = self._text_pools()
        moments, next_dates = self._moments()
        first_account = self.first_account
        first_pk = next_id(Interaction)
        weights = [INTERACTION_WEIGHT[g] for g in self.grade]
        cumulative, running = [], 0
        for w in weights:
            running += w
            cumulative.append(running)
        last_account = [-1] * size.accounts
        contact_base = self.contact_start[0] if self.contact_start else 0
        last_contact = [-1] * size.people
        # drawn up front and sorted, so ids (and search document ids) follow time
        whens = iter(sorted(rng.randrange(len(moments)) for _ in range(size.interactions)))

        def batches() -> Iterator[tuple[list[tuple[Any, ...]], ...]]:
            """The rows of each batch. Pure Python: runs in a thread beside the inserts."""
            pk, done = first_pk, 0
            while done < size.interactions:
                count = min(self.batch, size.interactions - done)
                picks = rng.choices(range(size.accounts), cum_weights=cumulative, k=count)
                rows, our_rows, their_rows, documents = [], [], [], []
                for i in picks:
                    when = next(whens)
                    owner = self.owner[i] or self.rep_ids[i % len(self.rep_ids)]
                    subject, content, outcome, next_step, document = rng.choice(
                        pools[self.industry[i]]
                    )
                    kind = rng.choice(KINDS)
                    accompanied = rng.random() < 0.1
                    manager = self.rep_manager.get(owner) if accompanied else None
                    rows.append((
                        pk, first_account + i, kind, moments[when], subject, content, "",
                        outcome, next_step, next_dates[when], manager is not None, manager,
                        owner, moments[when], moments[when], 0,
                    ))  # fmt: skip
                    our_rows.append((pk, owner))
                    documents.append(
                        interaction_row(pk, first_account + i, document, moments[when])
                    )
                    if manager is not None:
                        our_rows.append((pk, manager))
                    if when > last_account[i]:
                        last_account[i] = when
                    people = self.contact_count[i]
                    if people:
                        start = self.contact_start[i]
                        met = {start + rng.randrange(people) for _ in range(rng.choice((1, 1, 2)))}
                        for contact in met:
                            their_rows.append((pk, contact))
                            if when > last_contact[contact - contact_base]:
                                last_contact[contact - contact_base] = when
                    pk += 1
                done += count
                yield rows, our_rows, their_rows, documents

        done = 0
        # the next batch is generated (one core) while this one is written (the other)
        for rows, our_rows, their_rows, documents in in_background(batches()):
            with transaction.atomic():
                table.insert(rows)
                ours.insert(our_rows)
                theirs.insert(their_rows)
                self.search.insert(documents)
            done += len(rows)
            if done % (self.batch * 20) == 0 or done == size.interactions:
                self.log(f"拜访记录：{done}/{size.interactions}")
        self._write_last_activity(last_account, last_contact, moments, first_account, contact_base)

    @transaction.atomic
    def _write_last_activity(
        self, last_account: list[int], last_contact: list[int], moments: list[Any],
        first_account: int, contact_base: int,
    ) -> None:  # fmt: skip
        updates = [
            (Account, "last_activity_at", last_account, first_account),
            (Contact, "last_contact_at", last_contact, contact_base),
        ]
        for model, column, last, base in updates:
            rows = [(moments[when], base + i) for i, when in enumerate(last) if when >= 0]
            bulk_set_moments(model, column, rows, self.batch)
        self.log("最近跟进时间已更新")

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(
            no_style(), [Account, Contact, Interaction, *DEAL_MODELS]
        )
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def demo_scale_load(
    *, size: ScaleSize, seed: int = 2026, batch_size: int = 10_000, out: Writer = print
) -> bool:
    """Generate the benchmark data set. Returns False (writing nothing) if it is already there."""
    if User.objects.filter(username=SCALE_MARKER_USERNAME).exists():
        out("规模数据已存在，未做修改（请使用新的数据库）。")
        return False
    if min(size.accounts, size.reps) < 1:
        raise ValueError("accounts and reps must be at least 1")
    if min(size.people, size.interactions, size.opportunities, size.contracts) < 0:
        raise ValueError("the sizes may not be negative")
    # a bulk load into SQLite: no fsync per commit (only possible outside a transaction)
    tune_sqlite = connection.vendor == "sqlite" and not connection.in_atomic_block
    if tune_sqlite:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")
            cursor.execute("PRAGMA temp_store=MEMORY")
    load = _ScaleLoad(size=size, seed=seed, batch_size=batch_size, out=out)
    # Search documents are written with the records; the full-text index is built once at the
    # end instead of row by row (and its per-row upkeep is back whatever happens).
    # So are the plain indexes of the big tables: built once each at the end.
    indexes = SecondaryIndexes(
        [model._meta.db_table for model in BULK_MODELS] + [SearchDocument._meta.db_table]
    )
    with transaction.atomic():
        index.suspend_maintenance(connection, tsv_given=load.search.tsv_given)
        indexes.drop()
    try:
        load.load_users()
        load.load_accounts()
        load.load_contacts()
        load.load_interactions()
        deals = DealsLoad(load)
        deals.load_opportunities(size.opportunities)
        deals.load_contracts(size.contracts)
        search_documents_in_time_order()
        load.log("搜索文档已按创建时间编号")
        load.reset_sequences()
    finally:
        with transaction.atomic():
            indexes.restore()
            load.log("索引已重建")
            index.resume_maintenance(connection, tsv_given=load.search.tsv_given)
        clear_caches()
    load.log("全文索引已建立")
    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            if tune_sqlite:
                cursor.execute("PRAGMA synchronous=NORMAL")
            # PostgreSQL: VACUUM also marks the fresh pages all-visible, without which no plan
            # can answer from an index alone (until autovacuum, if the server runs it, gets there).
            cursor.execute("VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")
        load.log("统计信息已更新")
    load.log("完成")
    return True
