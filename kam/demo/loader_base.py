"""Shared state and helpers of the demo load (phases: loader_accounts, _people, _interactions)."""

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kam.accounts.models import Account
from kam.contacts.models import Contact
from kam.demo.catalog import ACCOUNTS, DemoAccount
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


class BuilderBase:
    """State shared by the load phases (each phase is a mixin in its own module)."""

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
