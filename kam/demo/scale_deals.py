"""`demo_load --scale`, the money side: opportunities, contracts with their payment plans, and
invoices, receipts and allocations on part of the milestones that have fallen due.

Same approach as kam.demo.scale: ids assigned here, plain tuples in batches, search documents
written alongside (opportunities from their generated text, contracts, invoices and receipts
with the rebuild's own row functions over the freshly loaded ids, so the text cannot differ).

Opportunities are open (about half), won or lost, on the shipped sales processes; contracts
come from the won ones first, then by hand on owned accounts. Every plan is 30/40/25/5 and sums
to the contract exactly (kam.contracts.money.plan_amounts). About 60% of the milestones due by
today are invoiced and paid, some only in part, so overdue and paid milestones both exist;
each receipt pays one milestone, so an allocation never exceeds its milestone or its receipt.
Every milestone carries the items of the active checklist templates for its kind, as a saved
plan's do: all ticked on a paid milestone, some on the others (more the nearer they fall due).
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from kam.accounts.models import Account
from kam.billing.enums import InvoiceKind, InvoiceStatus, ReceiptMethod, ReceiptStatus
from kam.billing.models import Allocation, Invoice, Receipt
from kam.billing.money import tax_split
from kam.checklists.models import ChecklistItem, ChecklistTemplate
from kam.contracts.enums import ContractStatus, MilestoneTrigger
from kam.contracts.models import Contract, PaymentMilestone
from kam.contracts.money import FEN, TEMPLATES, Share, plan_amounts
from kam.demo import catalog
from kam.demo.bulk import BulkTable, next_id
from kam.opportunities.enums import CloseReason, ForecastCategory, StageKind
from kam.opportunities.models import Opportunity, SalesProcess, Stage
from kam.search import index
from kam.search.models import DocumentKind, SearchDocument
from kam.search.services.common import Row, joined_terms, row
from kam.search.services.money import contract_rows, invoice_rows, receipt_rows
from kam.users.enums import Role
from kam.users.models import User

if TYPE_CHECKING:
    from kam.demo.scale import _ScaleLoad

DEAL_MODELS: list[type[models.Model]] = [
    Opportunity, Contract, PaymentMilestone, Invoice, Receipt, Allocation, ChecklistItem,
]  # fmt: skip
PLAN = TEMPLATES["30/40/25/5"]
SHARES = [Share(percent=percent) for _kind, _trigger, percent in PLAN]
# days from signing to each milestone: (running contracts' range, settled contracts')
DUE_AFTER = [((15, 45), 30), ((60, 240), 90), ((180, 420), 180), ((540, 800), 365)]
SUFFIXES = ["采购项目", "升级改造项目", "二期扩容项目", "运维服务项目", "试点项目", "集中采购项目"]
PAID_SHARE = 0.5  # of a running contract's due milestones (settled contracts are paid in full)
# Chance that an item of a milestone not yet paid is ticked: due within this many days (or
# overdue), else further out.
TICKED_NEAR, TICKED_FAR, NEAR_DAYS = 0.5, 0.15, 30
PARTIAL_SHARE = 0.2  # of the paid ones: half paid, the rest still outstanding
LOWEST, HIGHEST = math.log10(50_000), math.log10(50_000_000)
VAT = Decimal(13)
WON_REASONS = [CloseReason.SOLUTION, CloseReason.RELATIONSHIP, CloseReason.PRICE]


@dataclass(frozen=True)
class _Stages:
    process_id: int
    open: list[tuple[int, int]]  # (stage id, probability)
    won: int
    lost: int


@dataclass(frozen=True)
class _Won:
    opportunity_id: int
    account_index: int
    name: str
    amount: Decimal
    closed_on: date


def _forecast(probability: int) -> str:
    if probability >= 70:
        return ForecastCategory.COMMIT
    return ForecastCategory.BEST_CASE if probability >= 35 else ForecastCategory.PIPELINE


def _shipped_stages() -> list[_Stages]:
    processes = []
    for process in SalesProcess.objects.filter(code__in=["kam-default", "six-stage"]).order_by(
        "-is_default", "pk"
    ):
        stages = list(Stage.objects.filter(process=process, active=True).order_by("order"))
        by_kind = {kind: [s for s in stages if s.kind == kind] for kind in StageKind.values}
        processes.append(
            _Stages(
                process.pk,
                [(s.pk, s.default_probability) for s in by_kind[StageKind.OPEN]],
                by_kind[StageKind.WON][0].pk,
                by_kind[StageKind.LOST][0].pk,
            )
        )
    if not processes:
        raise ValueError("the shipped sales processes are missing (run migrate)")
    return processes


class DealsLoad:
    def __init__(self, base: "_ScaleLoad") -> None:
        self.base = base
        self.rng = base.rng
        self.now = base.now
        self.today = timezone.localdate(base.now)
        self.won: list[_Won] = []
        self.templates = list(ChecklistTemplate.objects.filter(active=True))
        self.documents = BulkTable(
            SearchDocument,
            ["kind", "object_id", "account_id", "owner_id", "url", "title", "body", "terms",
             "occurred_at"],
            base.now,
            raw_columns=["tsv"] if base.search.tsv_given else [],
        )  # fmt: skip

    def _write_documents(self, rows: list[Row]) -> None:
        if self.base.search.tsv_given:
            self.documents.insert([(*r, index.tsvector_text(r[7])) for r in rows])
        else:
            self.documents.insert(list(rows))

    def _amount(self) -> Decimal:
        # log-uniform from 50 thousand to 50 million yuan, to the hundred
        yuan = int(10 ** self.rng.uniform(LOWEST, HIGHEST)) // 100 * 100
        return Decimal(min(max(yuan, 50_000), 50_000_000)).quantize(FEN)

    def _owned_accounts(self) -> list[int]:
        owned = [i for i, owner in enumerate(self.base.owner) if owner is not None]
        if not owned:
            raise ValueError("no account has an owner")
        return owned

    # ---- opportunities
    def load_opportunities(self, count: int) -> None:
        base, rng, now = self.base, self.rng, self.now
        adapt_dt, adapt_date = base.adapt_dt, base.adapt_date
        table = BulkTable(
            Opportunity,
            ["id", "account_id", "name", "number", "process_id", "stage_id", "stage_entered_at",
             "owner_id", "amount", "expected_sign_date", "probability", "forecast_category",
             "customer_lead", "close_reason", "closed_at", "created_by_id", "created_at",
             "updated_at", "version"],
            now,
        )  # fmt: skip
        processes = _shipped_stages()
        owned = self._owned_accounts()
        leads = [s + g for s in catalog.SURNAMES[:40] for g in catalog.GIVEN_NAMES[:40]]
        first = next_id(Opportunity)
        rows: list[tuple[Any, ...]] = []
        documents: list[Row] = []
        for n in range(count):
            pk = first + n
            i = rng.choice(owned)
            owner = base.owner[i]
            process = processes[0] if rng.random() < 0.85 or len(processes) == 1 else processes[1]
            created = now - timedelta(days=rng.randint(20, 700), hours=rng.randint(0, 23))
            products = catalog.PRODUCTS.get(base.industry[i], catalog.PRODUCTS["manufacturing"])
            name = f"{created.year}年{rng.choice(products)}{rng.choice(SUFFIXES)}"[:200]
            number = f"SJ{created:%Y}{pk:06d}"
            amount = self._amount()
            draw = rng.random()
            closed_at: datetime | None = None
            reason = ""
            if draw < 0.5:
                stage, probability = rng.choice(process.open)
                entered = min(now, created + timedelta(days=rng.randint(0, 60)))
                sign_date = self.today + timedelta(days=rng.randint(-30, 365))
                forecast = _forecast(probability)
            else:
                won = draw < 0.78
                stage, probability = (process.won, 100) if won else (process.lost, 0)
                # closed 15 to 300 days after it was opened, and by today
                open_days = (now - created).days
                closed_at = created + timedelta(days=rng.randint(15, min(300, open_days)))
                entered, sign_date = closed_at, closed_at.date()
                forecast = ForecastCategory.CLOSED if won else ForecastCategory.OMITTED
                reason = rng.choice(WON_REASONS if won else CloseReason.values)
                if won:
                    self.won.append(_Won(pk, i, name, amount, sign_date))
            lead = rng.choice(leads)
            rows.append((
                pk, base.first_account + i, name, number, process.process_id, stage,
                adapt_dt(entered), owner, amount, adapt_date(sign_date), probability, forecast,
                lead, reason, adapt_dt(closed_at) if closed_at else None, owner,
                adapt_dt(created), adapt_dt(entered), 0,
            ))  # fmt: skip
            # kam.search.services.deals: name / "number customer_lead partner description"
            documents.append(
                row(DocumentKind.OPPORTUNITY, pk, base.first_account + i, name,
                    f"{number} {lead}", None)
            )  # fmt: skip
            if len(rows) >= base.batch:
                self._flush(table, rows, documents)
                rows, documents = [], []
        self._flush(table, rows, documents)
        joined_terms.cache_clear()
        base.log(f"商机：{count}（赢单 {len(self.won)}）")

    @transaction.atomic
    def _flush(self, table: BulkTable, rows: list[tuple[Any, ...]], documents: list[Row]) -> None:
        table.insert(rows)
        self._write_documents(documents)

    # ---- contracts, their plans, invoices, receipts and allocations
    @transaction.atomic
    def load_contracts(self, count: int) -> None:
        finance = User.objects.filter(role=Role.FINANCE).order_by("pk").first()
        names = dict(Account.objects.values_list("id", "name"))
        writer = _MoneyWriter(self.now)
        for deal in self._contract_sources(count):
            owner = self.base.owner[deal.account_index]
            assert owner is not None  # noqa: S101 - sources are owned accounts only
            account_id = self.base.first_account + deal.account_index
            self._contract(writer, deal, account_id, names.get(account_id, ""), owner,
                           finance.pk if finance else owner)  # fmt: skip
            writer.flush_if(self.base.batch)
        writer.flush_if(0)
        self.base.log(f"合同：{count}，回款节点：{count * len(PLAN)}")
        self._money_documents(writer.first)

    def _contract(
        self, writer: "_MoneyWriter", deal: _Won, account_id: int, payer: str, owner: int,
        finance: int,
    ) -> None:  # fmt: skip
        rng, adapt_date, adapt_dt = self.rng, self.base.adapt_date, self.base.adapt_dt
        age = (self.today - deal.closed_on).days
        settled = age > 400 and rng.random() < 0.7  # its last milestone fell due at 365 days
        status = (
            ContractStatus.COMPLETED if settled
            else ContractStatus.SIGNED if age < 45
            else ContractStatus.TERMINATED if rng.random() < 0.03
            else ContractStatus.EXECUTING
        )  # fmt: skip
        signed = self.now.replace(year=deal.closed_on.year, month=deal.closed_on.month,
                                  day=deal.closed_on.day)  # fmt: skip

        def stamp(on: date) -> Any:
            return adapt_dt(signed + timedelta(days=(on - deal.closed_on).days))

        pk = writer.next["contract"]
        number = f"HT{deal.closed_on:%Y}{pk:06d}"
        writer.add(
            "contract", account_id, deal.opportunity_id or None, number, f"{deal.name}合同"[:200],
            deal.amount, adapt_date(deal.closed_on), owner, status, owner, stamp(deal.closed_on),
            stamp(deal.closed_on), 0,
        )  # fmt: skip
        horizon = self.today + timedelta(days=365)
        amounts = plan_amounts(deal.amount, SHARES)
        for position, ((kind, _trigger, percent), amount) in enumerate(
            zip(PLAN, amounts, strict=True), start=1
        ):
            spread, fixed = DUE_AFTER[position - 1]
            after = timedelta(days=fixed if settled else rng.randint(*spread))
            due = min(deal.closed_on + after, horizon)  # no plan reaches beyond next year
            if due > self.today or not (settled or rng.random() < PAID_SHARE):
                milestone = writer.add(
                    "milestone", pk, position, kind, percent, amount,
                    MilestoneTrigger.DATE.value, adapt_date(due), adapt_date(due), 0, 0,
                    account_id, True,
                )  # fmt: skip
                near = (due - self.today).days <= NEAR_DAYS
                self._checklist(writer, milestone, kind, due, owner, stamp,
                                TICKED_NEAR if near else TICKED_FAR)  # fmt: skip
                continue
            issued = min(self.today, due - timedelta(days=5))
            received = min(self.today, due + timedelta(days=rng.randint(-5, 40)))
            partial = not settled and rng.random() < PARTIAL_SHARE
            paid = (amount / 2).quantize(FEN) if partial else amount
            # the columns the services keep: one issued invoice, one allocation; every status
            # generated here is billable
            milestone = writer.add(
                "milestone", pk, position, kind, percent, amount, MilestoneTrigger.DATE.value,
                adapt_date(due), adapt_date(due), int(amount * 100), int(paid * 100),
                account_id, True,
            )  # fmt: skip
            without, tax = tax_split(amount, VAT)
            invoice = writer.next["invoice"]
            writer.add(
                "invoice", milestone, pk,
                InvoiceKind.SPECIAL.value if invoice % 3 else InvoiceKind.NORMAL.value,
                f"FP{invoice:010d}", VAT, amount, without, tax, adapt_date(issued), finance,
                InvoiceStatus.ISSUED.value, stamp(issued), 0,
            )  # fmt: skip
            method = ReceiptMethod.BANK_TRANSFER if rng.random() < 0.9 else (
                ReceiptMethod.ACCEPTANCE_BILL
            )  # fmt: skip
            receipt = writer.add(
                "receipt", account_id, pk, paid, adapt_date(received), method.value, payer,
                f"{number}-{position}", finance, stamp(received), ReceiptStatus.RECORDED.value, 0,
            )  # fmt: skip
            writer.add("allocation", receipt, milestone, paid, finance, stamp(received))
            self._checklist(writer, milestone, kind, due, owner, stamp,
                            TICKED_NEAR if partial else 1.0)  # fmt: skip

    def _checklist(
        self, writer: "_MoneyWriter", milestone: int, kind: str, due: date, owner: int,
        stamp: Any, ticked: float,
    ) -> None:  # fmt: skip
        for template in self.templates:
            if not template.applies_to(kind):
                continue
            done = self.rng.random() < ticked
            on = min(self.today, due - timedelta(days=template.lead_days))
            writer.add(
                "checklist_item", milestone, template.pk, template.category, template.label,
                template.needs_evidence, template.lead_days, template.position,
                stamp(on) if done else None, owner if done else None,
            )  # fmt: skip

    def _contract_sources(self, count: int) -> Iterator[_Won]:
        """The won opportunities first (a sample when there are more), by hand only after."""
        won = self.won if len(self.won) <= count else self.rng.sample(self.won, count)
        yield from sorted(won, key=lambda deal: (deal.closed_on, deal.opportunity_id))
        owned = self._owned_accounts()
        for _ in range(count - len(won)):
            i = self.rng.choice(owned)
            products = catalog.PRODUCTS.get(
                self.base.industry[i], catalog.PRODUCTS["manufacturing"]
            )
            signed = self.today - timedelta(days=self.rng.randint(0, 700))
            name = f"{signed.year}年{self.rng.choice(products)}{self.rng.choice(SUFFIXES)}"
            yield _Won(0, i, name, self._amount(), signed)

    def _money_documents(self, first: dict[str, int]) -> None:
        """With the rebuild's own row functions, in its order: contracts, invoices, receipts."""
        batch = self.base.batch
        for rows in (
            contract_rows(Contract.objects.filter(pk__gte=first["contract"]), batch),
            invoice_rows(Invoice.objects.filter(pk__gte=first["invoice"]), batch),
            receipt_rows(Receipt.objects.filter(pk__gte=first["receipt"]), batch),
        ):
            chunk: list[Row] = []
            for document in rows:
                chunk.append(document)
                if len(chunk) >= batch:
                    self._write_documents(chunk)
                    chunk = []
            self._write_documents(chunk)
        joined_terms.cache_clear()
        self.base.log("合同、发票、回款的搜索文档已写入")


class _MoneyWriter:
    """The five money tables, written batch by batch in foreign-key order."""

    COLUMNS: dict[str, tuple[type[models.Model], list[str]]] = {
        "contract": (Contract, [
            "id", "account_id", "opportunity_id", "number", "name", "amount", "signed_on",
            "owner_id", "status", "created_by_id", "created_at", "updated_at", "version",
        ]),
        "milestone": (PaymentMilestone, [
            "id", "contract_id", "position", "kind", "percent", "amount", "trigger",
            "fixed_date", "due_date", "invoiced_fen", "allocated_fen", "account_id", "billable",
        ]),
        "invoice": (Invoice, [
            "id", "milestone_id", "contract_id", "kind", "number", "tax_rate", "amount_with_tax",
            "amount_without_tax", "tax", "issued_on", "issued_by_id", "status", "created_at",
            "version",
        ]),
        "receipt": (Receipt, [
            "id", "account_id", "contract_id", "amount", "received_on", "method", "payer_name",
            "reference", "recorded_by_id", "recorded_at", "status", "version",
        ]),
        "allocation": (Allocation, [
            "receipt_id", "milestone_id", "amount", "allocated_by_id", "allocated_at",
        ]),
        "checklist_item": (ChecklistItem, [
            "milestone_id", "template_id", "category", "label", "needs_evidence", "lead_days",
            "position", "done_at", "done_by_id",
        ]),
    }  # fmt: skip

    def __init__(self, now: datetime) -> None:
        self.tables = {
            name: BulkTable(model, columns, now) for name, (model, columns) in self.COLUMNS.items()
        }
        self.rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in self.tables}
        # ids assigned here, except allocations' and checklist items': nothing refers to them
        self.next = {
            name: next_id(model) for name, (model, columns) in self.COLUMNS.items()
            if columns[0] == "id"
        }  # fmt: skip
        self.first = dict(self.next)

    def add(self, table: str, *values: Any) -> int:
        """Queue a row; returns its id (0 for allocations and checklist items, which get theirs
        from the table)."""
        if table not in self.next:
            self.rows[table].append(values)
            return 0
        pk = self.next[table]
        self.rows[table].append((pk, *values))
        self.next[table] += 1
        return pk

    def flush_if(self, at_least: int) -> None:
        if len(self.rows["contract"]) < at_least:
            return
        for name, table in self.tables.items():
            table.insert(self.rows[name])
            self.rows[name] = []
