"""Demo load, interactions phase: a year of visits with participants and last-activity dates."""

from datetime import datetime, timedelta

from kam.accounts.models import Account
from kam.contacts.models import Contact
from kam.demo import catalog
from kam.demo.loader_base import (
    BATCH,
    INTERACTION_WEIGHT,
    INTERACTIONS_TOTAL,
    KIND_WEIGHTS,
    BuilderBase,
)
from kam.interactions.models import Interaction
from kam.users.models import User


class InteractionsBuilder(BuilderBase):
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
