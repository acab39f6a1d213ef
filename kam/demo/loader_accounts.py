"""Demo load, accounts phase: the accounts and their grade/owner/team history."""

import random
from datetime import timedelta

from kam.accounts.models import (
    Account,
    AccountTeamMember,
    CoreFieldVerification,
    GradeChange,
    OwnerChange,
)
from kam.accounts.names import account_name_normalize
from kam.demo import catalog
from kam.demo.catalog import ACCOUNTS
from kam.demo.credit_codes import REGION_CODES, credit_code_make
from kam.demo.loader_base import BATCH, TEAM_REPS, BuilderBase
from kam.users.models import User


class AccountsBuilder(BuilderBase):
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
                        reason=_grade_reason(rng, previous, grade),
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


def _grade_reason(rng: random.Random, previous: str, grade: str) -> str:
    if not previous:
        return "新建客户初始分级"
    # "A" < "D": a grade earlier in the alphabet is an upgrade.
    return rng.choice(catalog.GRADE_UP_REASONS if grade < previous else catalog.GRADE_DOWN_REASONS)
