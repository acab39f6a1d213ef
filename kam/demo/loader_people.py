"""Demo load, people phase: key people, their org tree, scores, guides and engagement plans."""

from datetime import timedelta
from decimal import Decimal

from kam.accounts.models import Account
from kam.contacts.models import (
    Contact,
    EngagementPlan,
    EngagementTouch,
    GuideCost,
    ScoreChange,
)
from kam.demo import catalog
from kam.demo.loader_base import BATCH, FIXED_PEOPLE, PEOPLE_PER_GRADE, BuilderBase


class PeopleBuilder(BuilderBase):
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
