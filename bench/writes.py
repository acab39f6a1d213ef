"""The benchmarked writes: per repetition a form to POST and, untimed afterwards, how to put the
data back, so the benchmark database stays what the next run expects.

- pool_claim_rep: the rep claims an unowned prospect from the pool (the htmx button of the pool
  page), then releases it again. The pools' limits would refuse the sixth claim of the day, the
  51st prospect held and any account the rep released in the last 15 days; `pool_limits_lifted`
  turns the limits off for the run and puts the saved values back at the end. Releasing after
  each claim keeps the pool as full as it was (never exhausted, whatever --n).
- interaction_log_rep: the rep logs a visit on one of their accounts (the create page's fields).
  Nothing undoes it: the visits stay (see bench/README.md).
- opportunity_stage_move_rep: the rep moves an open deal one stage forward, then back (moving
  back passes no gate). The shipped gates refuse every forward move of the generated deals but
  one: a stage whose gate is only manual attestations for the account manager. `movable_deals`
  puts the rep on those deals' teams as account manager and ticks the attestations, once.

A write repetition leases its account or deal, so concurrent users (the throughput run) never
post the same claim or version twice.
"""

import itertools
import queue
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from kam.accounts.enums import AccountStatus
from kam.accounts.models import Account
from kam.contacts.models import Contact
from kam.interactions.enums import InteractionKind
from kam.interactions.forms import DATETIME_LOCAL
from kam.opportunities.enums import StageKind, TeamRole
from kam.opportunities.gates import gate_missing
from kam.opportunities.models import AttestationRecord, Opportunity, Stage
from kam.opportunities.services.moves import opportunity_move
from kam.opportunities.services.opportunities import opportunity_attest, opportunity_team_add
from kam.pools.models import Placement, Pool
from kam.pools.services.claims import pool_accounts_q, pool_release
from kam.pools.services.protection import default_pool, placement_refresh
from kam.users.models import User

FormData = Mapping[str, str | Sequence[str]]

WRITE_BUDGET_MS = 50
# Round robin over this many accounts or deals: enough that concurrent users rarely wait.
WRITE_TARGETS = 50
MARK = "bench/run.py"
LIFTED_LIMIT = 1_000_000


def _nothing() -> None:
    pass


@dataclass(frozen=True)
class Step:
    """One repetition of a write: where to POST which fields, and how to undo it (untimed)."""

    path: str
    form: FormData
    undo: Callable[[], None] = _nothing


StepFactory = Callable[[], AbstractContextManager[Step]]


@dataclass(frozen=True)
class Write:
    """How an operation writes. `accepted_status` is what success answers (a redirect for a
    page form, 200 for an htmx fragment); `refusal_marker` in an accepted answer still means
    the app said no (an htmx fragment answers 200 either way)."""

    steps: StepFactory
    accepted_status: int
    refusal_marker: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)

    def refusal(self, status: int, body: bytes) -> str:
        """Why an answer is not a success, with the app's message when there is one ("" when
        it is a success)."""
        if status == self.accepted_status and not (
            self.refusal_marker and self.refusal_marker in body
        ):
            return ""
        message = _MESSAGE.search(body)
        said = f": {message[1].decode(errors='replace').strip()}" if message else ""
        return f"answered {status}{said}"


# The first error text on a refused answer: the htmx fragment's, a form's or a flash message.
_MESSAGE = re.compile(
    rb'(?:data-testid="claim-error"|class="form-errors"[^>]*><p|class="error"[^>]*'
    rb'|class="message error")>([^<]+)'
)


class Leases[T]:
    """Hands each item to one holder at a time, round robin; shared by threads."""

    def __init__(self, items: Sequence[T]) -> None:
        self._free: queue.Queue[T] = queue.Queue()
        for item in items:
            self._free.put(item)

    @contextmanager
    def lease(self) -> Iterator[T]:
        item = self._free.get()
        try:
            yield item
        finally:
            self._free.put(item)


@contextmanager
def pool_limits_lifted() -> Iterator[None]:
    """Every pool's claim limits off for the run (the release after each claim keeps what the
    rep holds unchanged anyway); the saved values are written back however the run ends."""
    limits = ("max_owned", "max_claims_per_day", "reclaim_lockout_days")
    saved = list(Pool.objects.values("pk", *limits))
    Pool.objects.update(
        max_owned=LIFTED_LIMIT, max_claims_per_day=LIFTED_LIMIT, reclaim_lockout_days=0
    )
    try:
        yield
    finally:
        for values in saved:
            Pool.objects.filter(pk=values.pop("pk")).update(**values)


def _placed(accounts: list[Account]) -> list[Account]:
    """The app creates an account's placement on its first claim or visit, after which both
    take fewer queries; creating them now makes the first run measure what later runs do."""
    placed = set(
        Placement.objects.filter(account__in=accounts).values_list("account_id", flat=True)
    )
    for account in accounts:
        if account.pk not in placed:
            placement_refresh(account)
    return accounts


def claimable_account_ids(limit: int = WRITE_TARGETS) -> list[int]:
    """Unowned prospects of the default pool (taken from an owner, a lapsed account would not
    go back to them on release)."""
    accounts = Account.objects.filter(
        pool_accounts_q(default_pool()), owner__isnull=True, status=AccountStatus.PROSPECT
    )
    return [account.pk for account in _placed(list(accounts.order_by("pk")[:limit]))]


def _release(account_id: int, rep: User) -> None:
    account = Account.objects.get(pk=account_id)
    pool_release(account=account, actor=rep, reason=MARK, version=account.version)


def pool_claim_write(rep: User, account_ids: Sequence[int]) -> Write:
    leases = Leases(account_ids)

    @contextmanager
    def step() -> Iterator[Step]:
        with leases.lease() as account_id:
            yield Step(
                f"/pool/accounts/{account_id}/claim/", {}, undo=lambda: _release(account_id, rep)
            )

    return Write(
        step, accepted_status=200, refusal_marker=b'data-testid="claim-error"',
        headers={"HX-Request": "true"},
    )  # fmt: skip


def loggable_accounts(rep: User, skip: int | None, limit: int = WRITE_TARGETS) -> list[Account]:
    """The rep's accounts other than `skip` (the detail page's, whose visit list should stay
    the generated one), each with its first contact as `first_contact_id`."""
    first_contact = Contact.objects.filter(account=OuterRef("pk")).order_by("pk").values("pk")[:1]
    accounts = Account.objects.filter(owner=rep).order_by("pk")
    if skip is not None:
        accounts = accounts.exclude(pk=skip)
    return _placed(list(accounts.annotate(first_contact_id=Subquery(first_contact))[:limit]))


def visit_form(rep: User, account: Account, number: int) -> FormData:
    """The create page's fields as the browser sends them (a minute ago, the rep and the
    account's first contact taking part; the blank fields too)."""
    occurred = timezone.localtime() - timedelta(minutes=1)
    contact_id = getattr(account, "first_contact_id", None)
    return {
        "kind": InteractionKind.VISIT.value,
        "occurred_at": occurred.strftime(DATETIME_LOCAL),
        "subject": f"{MARK} #{number}",
        "our_participants": [str(rep.pk)],
        "their_participants": [str(contact_id)] if contact_id else [],
        "content": "拜访客户，介绍数据中心解决方案。",
        "reception_notes": "",
        "outcome": "",
        "next_step": "",
        "next_step_date": "",
        "accompanied_by": "",
    }


def interaction_log_write(rep: User, accounts: Sequence[Account]) -> Write:
    numbers = itertools.count(1)  # next() on a count is atomic in CPython: threads may share it

    @contextmanager
    def step() -> Iterator[Step]:
        number = next(numbers)
        account = accounts[number % len(accounts)]
        yield Step(f"/interactions/create/?account={account.pk}", visit_form(rep, account, number))

    return Write(step, accepted_status=302)


@dataclass(frozen=True)
class MovableDeal:
    pk: int
    from_stage_id: int
    to_stage_id: int


def _next_open_stages() -> dict[int, int]:
    """Stage → the next active stage, for open stages whose gate holds nothing but manual
    attestations and whose next stage is open too (a won or lost move would close the deal)."""
    stages = list(Stage.objects.filter(active=True).order_by("process_id", "order"))
    following: dict[int, int] = {}
    for stage, after in itertools.pairwise(stages):
        gated = stage.required_fields or stage.required_checks or stage.required_approvals
        same_process = stage.process_id == after.process_id
        if same_process and stage.kind == after.kind == StageKind.OPEN and not gated:
            following[stage.pk] = after.pk
    return following


def _attest_as_account_manager(deal: Opportunity, rep: User) -> None:
    pending = deal.stage.attestations.exclude(
        pk__in=AttestationRecord.objects.filter(opportunity=deal).values("attestation_id")
    )
    if not pending.exists():
        return
    if not deal.team_members.filter(user=rep, role=TeamRole.ACCOUNT_MANAGER).exists():
        opportunity_team_add(opportunity=deal, actor=rep, user=rep, role=TeamRole.ACCOUNT_MANAGER)
    for attestation in pending:
        opportunity_attest(opportunity=deal, attestation=attestation, actor=rep, note=MARK)


def movable_deals(rep: User, limit: int = WRITE_TARGETS) -> list[MovableDeal]:
    """The rep's open deals that may move one stage forward, readied once (see the module)."""
    following = _next_open_stages()
    deals = (
        Opportunity.objects.filter(owner=rep, stage_id__in=following)
        .select_related("stage")
        .order_by("pk")
    )
    movable = []
    for deal in deals[:limit]:
        if deal.stage.attestations.exclude(role=TeamRole.ACCOUNT_MANAGER).exists():
            continue
        _attest_as_account_manager(deal, rep)
        to_stage = Stage.objects.get(pk=following[deal.stage_id])
        if not gate_missing(deal, to_stage):
            movable.append(MovableDeal(deal.pk, deal.stage_id, to_stage.pk))
    return movable


def _move_back(deal: MovableDeal, rep: User) -> None:
    opportunity = Opportunity.objects.select_related("stage").get(pk=deal.pk)
    opportunity_move(
        opportunity=opportunity, to_stage=Stage.objects.get(pk=deal.from_stage_id), actor=rep,
        version=opportunity.version,
    )  # fmt: skip


def stage_move_write(rep: User, deals: Sequence[MovableDeal]) -> Write:
    leases = Leases(deals)

    @contextmanager
    def step() -> Iterator[Step]:
        with leases.lease() as deal:
            version = Opportunity.objects.values_list("version", flat=True).get(pk=deal.pk)
            form = {
                "version": str(version), "to_stage": str(deal.to_stage_id),
                "close_reason": "", "close_note": "",
            }  # fmt: skip
            yield Step(f"/opportunities/{deal.pk}/move/", form, undo=lambda: _move_back(deal, rep))

    return Write(step, accepted_status=302)
