"""`demo_load`: the demo company's customer base, a year of sales work, deterministic per seed.

This is a data load, not user activity: rows are written with bulk_create (no audit rows), and
the search index is rebuilt once at the end.
"""

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models, transaction
from django.utils import timezone

from kam.accounts.models import (
    Account,
    AccountTeamMember,
    CoreFieldVerification,
    GradeChange,
    OwnerChange,
)
from kam.accounts.names import account_name_normalize
from kam.contacts.models import (
    Contact,
    EngagementPlan,
    EngagementTouch,
    GuideCost,
    ScoreChange,
)
from kam.demo import catalog
from kam.demo.catalog import ACCOUNTS, DemoAccount
from kam.demo.credit_codes import REGION_CODES, credit_code_make
from kam.demo.people import demo_org_create
from kam.interactions.models import Interaction
from kam.search.services import search_rebuild
from kam.users.models import User

Writer = Callable[[str], None]
BATCH = 2000
LOCAL = ZoneInfo("Asia/Shanghai")
TEAM_REPS = {"team1": ["rep1", "rep2"], "team2": ["rep3", "rep4"]}
INTERACTIONS_TOTAL = 1500
INTERACTION_WEIGHT = {"A": 40, "B": 24, "C": 12, "D": 4}
KIND_WEIGHTS = {
    "visit": 35, "call": 25, "meeting": 15, "demo": 8, "site_visit": 5, "reception": 5, "trial": 7,
}  # fmt: skip
PEOPLE_PER_GRADE = {"A": (6, 8), "B": (5, 7), "C": (4, 6), "D": (3, 4)}
# The search demo looks these up: 张伟 is 陕西省人民医院's head of IT.
FIXED_PEOPLE = {("sn_ph", "信息科主任"): "张伟"}
TIMESTAMP_MODELS: list[type[models.Model]] = [
    Account, AccountTeamMember, GradeChange, OwnerChange, CoreFieldVerification, Contact,
    ScoreChange, GuideCost, EngagementPlan, EngagementTouch, Interaction,
]  # fmt: skip


def demo_account_names() -> list[str]:
    return [spec.name for spec in ACCOUNTS]


def demo_data_exists() -> bool:
    return Account.objects.filter(name__in=demo_account_names()).exists()


@contextmanager
def timestamps_as_given(model_list: list[type[models.Model]]) -> Iterator[None]:
    """Let a data load write historical created_at/changed_at values (auto_now* switched off)."""
    saved: list[tuple[Any, bool, bool]] = []
    for model in model_list:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                saved.append((field, field.auto_now, field.auto_now_add))  # type: ignore[attr-defined]
                field.auto_now = field.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


@transaction.atomic
def demo_data_reset() -> int:
    """Delete the demo accounts and everything hanging off them; users and teams stay."""
    demo = Account.objects.filter(name__in=demo_account_names())
    ids = list(demo.values_list("pk", flat=True))
    Account.objects.filter(parent_id__in=ids).update(parent=None)
    count = len(ids)
    Account.objects.filter(pk__in=ids).delete()
    return count


class _Builder:
    def __init__(self, *, seed: int, today: date, users: dict[str, User]) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - demo data is pseudo-random on purpose
        self.today = today
        # the last working moment of the data: yesterday evening, so nothing lies in the future
        self.now = datetime.combine(today - timedelta(days=1), time(18, 0), tzinfo=LOCAL)
        self.year_ago = self.now - timedelta(days=365)
        self.users = users
        self.accounts: dict[str, Account] = {}
        self.specs: dict[str, DemoAccount] = {spec.key: spec for spec in ACCOUNTS}
        # key → [(since, owner)] in time order, for "who owned it when this happened"
        self.ownership: dict[str, list[tuple[datetime, User | None]]] = {}
        self.contacts: dict[str, list[Contact]] = {}
        self.tiers: dict[int, int] = {}  # id(contact) → tier

    # ---- helpers
    def moment(self, start: datetime, end: datetime) -> datetime:
        """A working-hours moment between start and end (local time, weekdays)."""
        span = max((end.date() - start.date()).days, 0)
        day = start.date() + timedelta(days=self.rng.randint(0, span))
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        day = max(day, start.date())
        clock = time(self.rng.randint(9, 17), self.rng.choice([0, 15, 30, 45]))
        return min(max(datetime.combine(day, clock, tzinfo=LOCAL), start), end)

    def owner_at(self, key: str, when: datetime) -> User | None:
        owner = None
        for since, who in self.ownership[key]:
            if since <= when:
                owner = who
        return owner

    def fill(self, template: str, **values: str) -> str:
        return template.format(**values)

    # ---- accounts
    def build_accounts(self) -> None:
        rng = self.rng
        depth: dict[str, int] = {}
        for spec in ACCOUNTS:
            depth[spec.key] = depth[spec.parent] + 1 if spec.parent else 0
        serials: set[int] = set()
        for level in sorted(set(depth.values())):
            batch = []
            for spec in ACCOUNTS:
                if depth[spec.key] != level:
                    continue
                serial = rng.randrange(10_000_000, 99_999_999)
                while serial in serials:
                    serial = rng.randrange(10_000_000, 99_999_999)
                serials.add(serial)
                region = REGION_CODES.get(spec.city, REGION_CODES[spec.province])
                created = self.now - timedelta(days=rng.randint(420, 1400))
                owner = (
                    self.users[rng.choice(TEAM_REPS[spec.team])] if spec.team is not None else None
                )
                account = Account(
                    name=spec.name,
                    name_normalized=account_name_normalize(spec.name),
                    credit_code=credit_code_make(serial=serial, region=region, kind=spec.kind),
                    industry=spec.industry,
                    province=spec.province,
                    city=spec.city,
                    level=spec.level,
                    parent=self.accounts[spec.parent] if spec.parent else None,
                    size=spec.size,
                    status=spec.status,
                    grade=spec.grade,
                    purchase_scenario=(
                        "continuous"
                        if spec.grade in "AB" and spec.status == "active"
                        else rng.choice(["continuous", "occasional", "occasional"])
                    ),
                    owner=owner,
                    team=owner.team if owner else None,
                    description=spec.description,
                    created_by=owner or self.users["manager1"],
                    created_at=created,
                    updated_at=created,
                )
                self.accounts[spec.key] = account
                batch.append(account)
            Account.objects.bulk_create(batch, batch_size=BATCH)

    def build_history(self) -> None:
        rng, users = self.rng, self.users
        grade_rows: list[GradeChange] = []
        owner_rows: list[OwnerChange] = []
        members: list[AccountTeamMember] = []
        verifications: list[CoreFieldVerification] = []
        for key, account in self.accounts.items():
            spec = self.specs[key]
            created = account.created_at
            # grades: the first grading at creation, then 0–2 changes over the past year
            steps = rng.choice([0, 0, 1, 1, 2]) if spec.grade != "D" else rng.choice([0, 1])
            path = [spec.grade]
            for _ in range(steps):
                path.insert(0, rng.choice([g for g in "ABCD" if g != path[0]]))
            times = sorted(self.moment(self.year_ago, self.now) for _ in range(steps))
            previous = ""
            for grade, when in zip(path, [created, *times], strict=True):
                grade_rows.append(
                    GradeChange(
                        account=account, from_grade=previous, to_grade=grade,
                        reason="新建客户初始分级" if not previous else rng.choice(
                            catalog.GRADE_REASONS
                        ),
                        actor=users["manager1" if spec.team != "team2" else "manager2"],
                        changed_at=when,
                    )
                )  # fmt: skip
                previous = grade
            # owners: assigned at creation; some handed over; pool accounts released
            team = spec.team or ("team2" if spec.industry == "healthcare" else "team1")
            current = account.owner
            first: User | None
            if current is None:
                first = users["rep2"] if key == "xy_gov" else users[rng.choice(TEAM_REPS[team])]
            elif rng.random() < 0.2:
                first = users[next(u for u in TEAM_REPS[team] if users[u] != current)]
            else:
                first = current
            manager = users["manager1" if team == "team1" else "manager2"]
            owner_rows.append(
                OwnerChange(account=account, from_owner=None, to_owner=first,
                            reason="新建客户分配", actor=manager, changed_at=created)
            )  # fmt: skip
            self.ownership[key] = [(created, first)]
            if first != current:
                when = self.now - timedelta(days=rng.randint(60, 200))
                reason = "长期无进展，释放到公海" if current is None else "客户经理调整，客户交接"
                owner_rows.append(
                    OwnerChange(account=account, from_owner=first, to_owner=current,
                                reason=reason, actor=manager, changed_at=when)
                )  # fmt: skip
                self.ownership[key].append((when, current))
            if spec.grade == "A":
                members.append(
                    AccountTeamMember(account=account, user=users["solution"], role="solution",
                                      added_at=created + timedelta(days=30))
                )  # fmt: skip
                if spec.status == "active":
                    members.append(
                        AccountTeamMember(account=account, user=users["delivery"],
                                          role="delivery", added_at=created + timedelta(days=90))
                    )  # fmt: skip
            if spec.level in ("group", "province") and account.credit_code:
                verifications.append(
                    CoreFieldVerification(
                        account=account, field="credit_code", value=account.credit_code,
                        method="credit_portal", note="国家企业信用信息公示系统查询一致",
                        verified_by=first, verified_at=created + timedelta(days=2),
                    )
                )  # fmt: skip
        GradeChange.objects.bulk_create(grade_rows, batch_size=BATCH)
        OwnerChange.objects.bulk_create(owner_rows, batch_size=BATCH)
        AccountTeamMember.objects.bulk_create(members, batch_size=BATCH)
        CoreFieldVerification.objects.bulk_create(verifications, batch_size=BATCH)

    # ---- people
    def person_name(self, taken: set[str]) -> str:
        while True:
            name = self.rng.choice(catalog.SURNAMES) + self.rng.choice(catalog.GIVEN_NAMES)
            if name not in taken and name != "张伟":
                taken.add(name)
                return name

    def phone(self) -> str:
        prefix = self.rng.choice(["139", "138", "137", "158", "159", "136", "181", "189", "133"])
        return f"{prefix}{self.rng.randint(0, 99_999_999):08d}"

    def build_contacts(self) -> None:
        rng = self.rng
        all_contacts: list[Contact] = []
        for key, account in self.accounts.items():
            spec = self.specs[key]
            low, high = PEOPLE_PER_GRADE[spec.grade]
            rows = catalog.TITLES[spec.industry][: rng.randint(low, high)]
            taken: set[str] = set()
            people: list[Contact] = []
            for title, department, role, influence, tier in rows:
                name = FIXED_PEOPLE.get((key, title)) or self.person_name(taken)
                attitude = rng.choices(["supporter", "neutral", "opponent"], [4, 5, 1])[0]
                base = {"supporter": (3, 5), "neutral": (2, 4), "opponent": (1, 2)}[attitude]
                created = account.created_at + timedelta(days=rng.randint(1, 50))
                contact = Contact(
                    account=account, name=name, title=title, department=department,
                    phone=self.phone(),
                    email=f"{rng.choice('abcdefghjklmnpqrstwxyz')}{rng.randint(100, 999)}@"
                    f"{key.replace('_', '')}.example.cn",
                    wechat=f"wx_{key}_{len(people) + 1}" if rng.random() < 0.5 else "",
                    background=f"{department}负责人，在本单位工作{rng.randint(3, 25)}年。",
                    character=rng.choice(catalog.CHARACTERS),
                    decision_style=rng.choice(catalog.DECISION_STYLES),
                    preferences=rng.choice(catalog.PREFERENCES),
                    decision_role=role, influence=influence, attitude=attitude,
                    closeness=rng.randint(*base), solution_acceptance=rng.randint(*base),
                    price_acceptance=rng.randint(*base),
                    created_at=min(created, self.now), updated_at=min(created, self.now),
                )  # fmt: skip
                self.tiers[id(contact)] = tier
                people.append(contact)
            self.contacts[key] = people
            all_contacts.extend(people)
        Contact.objects.bulk_create(all_contacts, batch_size=BATCH)
        # the org tree: deputies report to the head, middle managers to a deputy (or the head)
        for people in self.contacts.values():
            head = people[0]
            deputies = [
                c for c in people if self.tiers[id(c)] == 1 and c.decision_role == "decision_maker"
            ] or [head]
            for contact in people[1:]:
                contact.reports_to = head if self.tiers[id(contact)] == 1 else rng.choice(deputies)
        Contact.objects.bulk_update(all_contacts, ["reports_to"], batch_size=BATCH)

    def build_contact_details(self) -> None:
        rng, users = self.rng, self.users
        changed: list[Contact] = []
        snapshots: list[ScoreChange] = []
        costs: list[GuideCost] = []
        plans: list[EngagementPlan] = []
        touches: list[EngagementTouch] = []
        accounts_changed: list[Account] = []
        movers = 0
        for key, people in self.contacts.items():
            spec, account = self.specs[key], self.accounts[key]
            owner = account.owner or self.owner_at(key, self.now - timedelta(days=400))
            # a couple of key people left or changed post recently (R-CON: personnel change)
            if movers < 4 and spec.grade in "AB" and len(people) >= 6 and rng.random() < 0.25:
                mover = people[rng.randint(3, len(people) - 1)]
                mover.status = "left" if movers % 2 == 0 else "changed_post"
                changed.append(mover)
                account.personnel_change_at = self.now - timedelta(days=rng.randint(5, 40))
                accounts_changed.append(account)
                movers += 1
            for contact in people:
                tier = self.tiers[id(contact)]
                # score history: the first snapshot, then steps up (or down) to today's scores
                history = [
                    [contact.closeness, contact.solution_acceptance, contact.price_acceptance]
                ]
                for _ in range(rng.choice([0, 1, 1, 2, 3])):
                    earlier = [max(1, min(5, s - rng.choice([1, 1, 0, -1]))) for s in history[0]]
                    history.insert(0, earlier)
                start = max(contact.created_at, self.year_ago)
                times = sorted(self.moment(start, self.now) for _ in history[1:])
                for scores, when in zip(history, [contact.created_at, *times], strict=True):
                    snapshots.append(
                        ScoreChange(
                            contact=contact, closeness=scores[0], solution_acceptance=scores[1],
                            price_acceptance=scores[2], actor=owner, changed_at=when,
                            note="建档评估" if when == contact.created_at else "拜访后更新评分",
                        )
                    )  # fmt: skip
                # guides (向导): supporters in the middle of the org who pass information on
                if contact.attitude == "supporter" and tier > 0 and rng.random() < 0.3:
                    contact.guide_level = rng.choice([1, 1, 2, 2, 3])
                    changed.append(contact)
                    for _ in range(rng.randint(2, 5)):
                        money = rng.random() < 0.5
                        costs.append(
                            GuideCost(
                                contact=contact, kind="money" if money else "time",
                                spent_on=self.moment(self.year_ago, self.now).date(),
                                amount=Decimal(rng.randint(2, 40) * 50) if money
                                else Decimal("0.00"),
                                hours=Decimal("0.0") if money
                                else Decimal(rng.randint(2, 16)) / 2,
                                note=rng.choice(catalog.GUIDE_COST_NOTES), recorded_by=owner,
                                created_at=self.now,
                            )
                        )  # fmt: skip
                # executive engagement for heads of A/B accounts (and A accounts' deputies)
                if (
                    contact.status == "in_post"
                    and contact.decision_role == "decision_maker"
                    and ((tier == 0 and spec.grade in "AB") or (tier == 1 and spec.grade == "A"))
                ):
                    cadence = rng.choice([30, 45, 60, 90])
                    overdue = not plans or rng.random() < 0.3
                    last = self.today - timedelta(
                        days=cadence + rng.randint(5, 30) if overdue else rng.randint(1, cadence)
                    )
                    executive = users[
                        "gm" if spec.level in ("group", "province") and tier == 0 else "director"
                    ]
                    product = rng.choice(catalog.PRODUCTS[spec.industry])
                    plan = EngagementPlan(
                        contact=contact, our_executive=executive,
                        purpose=rng.choice(catalog.ENGAGEMENT_PURPOSES).format(product=product),
                        cadence_days=cadence, next_due=last + timedelta(days=cadence),
                        last_done=last, created_at=self.year_ago,
                    )  # fmt: skip
                    plans.append(plan)
                    for step in range(rng.randint(1, 3)):
                        touches.append(
                            EngagementTouch(
                                plan=plan, touched_on=last - timedelta(days=cadence * step),
                                note=f"{executive}与{contact.title}{contact.name}会面交流",
                                recorded_by=owner, created_at=self.now,
                            )
                        )  # fmt: skip
        Contact.objects.bulk_update(changed, ["status", "guide_level"], batch_size=BATCH)
        Account.objects.bulk_update(accounts_changed, ["personnel_change_at"], batch_size=BATCH)
        ScoreChange.objects.bulk_create(snapshots, batch_size=BATCH)
        GuideCost.objects.bulk_create(costs, batch_size=BATCH)
        EngagementPlan.objects.bulk_create(plans, batch_size=BATCH)
        EngagementTouch.objects.bulk_create(touches, batch_size=BATCH)

    # ---- interactions
    def build_interactions(self) -> int:
        rng, users = self.rng, self.users
        weights = {
            key: INTERACTION_WEIGHT[spec.grade] * (0.4 if spec.status in ("dormant", "lost") else 1)
            for key, spec in self.specs.items()
        }
        scale = INTERACTIONS_TOTAL / sum(weights.values())
        kinds, kind_weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
        rows: list[Interaction] = []
        ours: list[list[User]] = []
        theirs: list[list[Contact]] = []
        for key, account in self.accounts.items():
            spec = self.specs[key]
            people = [c for c in self.contacts[key] if c.status == "in_post"]
            start = max(account.created_at, self.year_ago)
            end = self.now
            if account.owner is None:  # released to the pool: nothing since the release
                end = self.ownership[key][-1][0]
            for _ in range(max(1, round(weights[key] * scale))):
                when = self.moment(start, end)
                author = self.owner_at(key, when) or users["rep1"]
                kind = rng.choices(kinds, kind_weights)[0]
                count = 1 if kind == "call" else rng.choice([1, 1, 2, 3])
                met = rng.sample(people, min(count, len(people)))
                main = met[0]
                product = rng.choice(catalog.PRODUCTS[spec.industry])
                values = {
                    "title": main.title, "name": main.name, "dept": main.department,
                    "deputy": self.contacts[key][1].title,
                    "product": product, "concern": rng.choice(catalog.CONCERNS),
                    "competitor": rng.choice(catalog.COMPETITORS),
                    "quarter": rng.choice(["一季度", "二季度", "三季度", "四季度", "明年上半年"]),
                    "budget": str(rng.choice([80, 120, 200, 350, 500, 800, 1200, 2000])),
                }  # fmt: skip
                team = [author]
                manager = author.manager
                accompanied = kind in ("visit", "meeting", "reception") and rng.random() < 0.18
                if accompanied and manager is not None:
                    team.append(manager)
                else:
                    accompanied = False
                if kind in ("demo", "trial", "meeting") and rng.random() < 0.6:
                    team.append(users["solution"])
                next_date = when.date() + timedelta(days=rng.randint(3, 21))
                rows.append(
                    Interaction(
                        account=account, kind=kind, occurred_at=when,
                        subject=self.fill(rng.choice(catalog.SUBJECTS[kind]), **values)[:200],
                        content=self.fill(rng.choice(catalog.CONTENTS), **values),
                        reception_notes=self.fill(rng.choice(catalog.RECEPTION_NOTES), **values)
                        if kind == "reception" else "",
                        outcome=rng.choice(catalog.OUTCOMES),
                        next_step=self.fill(rng.choice(catalog.NEXT_STEPS), **values)
                        if rng.random() < 0.8 else "",
                        next_step_date=next_date if rng.random() < 0.8 else None,
                        accompanied=accompanied,
                        accompanied_by=manager if accompanied else None,
                        created_by=author,
                        created_at=when + timedelta(hours=2), updated_at=when + timedelta(hours=2),
                    )
                )  # fmt: skip
                ours.append(team)
                theirs.append(met)
        # the search demo: "采购副总" in the middle of a note
        shaanqi = next(i for i, row in enumerate(rows) if row.account is self.accounts["shaanqi"])
        rows[shaanqi].content = (
            "陕汽集团数字化中心反馈，本轮 MES 选型由采购副总牵头，信息中心负责技术评分，"
            "预计下月发布招标公告。"
        )
        Interaction.objects.bulk_create(rows, batch_size=BATCH)
        our_through = Interaction.our_participants.through
        their_through = Interaction.their_participants.through
        our_through.objects.bulk_create(
            [
                our_through(interaction_id=row.pk, user_id=user.pk)
                for row, team in zip(rows, ours, strict=True)
                for user in dict.fromkeys(team)
            ],
            batch_size=BATCH,
        )
        their_through.objects.bulk_create(
            [
                their_through(interaction_id=row.pk, contact_id=contact.pk)
                for row, met in zip(rows, theirs, strict=True)
                for contact in met
            ],
            batch_size=BATCH,
        )
        # denormalised "last activity" / "last contact", consistent with the rows just written
        last_account: dict[int, datetime] = {}
        last_contact: dict[int, datetime] = {}
        for row, met in zip(rows, theirs, strict=True):
            account_id = row.account.pk
            if account_id not in last_account or row.occurred_at > last_account[account_id]:
                last_account[account_id] = row.occurred_at
            for contact in met:
                if contact.pk not in last_contact or row.occurred_at > last_contact[contact.pk]:
                    last_contact[contact.pk] = row.occurred_at
        accounts = list(self.accounts.values())
        for account in accounts:
            account.last_activity_at = last_account.get(account.pk)
            account.updated_at = account.last_activity_at or account.created_at
        Account.objects.bulk_update(accounts, ["last_activity_at", "updated_at"], batch_size=BATCH)
        contacts = [c for people in self.contacts.values() for c in people]
        for contact in contacts:
            contact.last_contact_at = last_contact.get(contact.pk)
        Contact.objects.bulk_update(contacts, ["last_contact_at"], batch_size=BATCH)
        return len(rows)


def demo_data_load(
    *, seed: int = 2026, today: date | None = None, reset: bool = False, out: Writer = print
) -> bool:
    """Load the demo company. Returns False (and writes nothing) if it is already there."""
    org = demo_org_create()
    if reset:
        out(f"已删除 {demo_data_reset()} 个演示客户。")
    elif demo_data_exists():
        out("演示数据已存在，未做修改（使用 --reset 重新生成）。")
        return False
    started = timezone.now()
    builder = _Builder(seed=seed, today=today or timezone.localdate(), users=org)
    with timestamps_as_given(TIMESTAMP_MODELS):
        with transaction.atomic():
            builder.build_accounts()
            builder.build_history()
        with transaction.atomic():
            builder.build_contacts()
            builder.build_contact_details()
        with transaction.atomic():
            interactions = builder.build_interactions()
    people = sum(len(p) for p in builder.contacts.values())
    out(f"客户 {len(builder.accounts)}，关键人 {people}，拜访记录 {interactions}。")
    search_rebuild()
    seconds = (timezone.now() - started).total_seconds()
    out(f"搜索索引已重建。用时 {seconds:.1f} 秒。")
    return True
