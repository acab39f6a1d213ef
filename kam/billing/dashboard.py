"""The collections dashboard (回款看板): plan against collection, receipts, aging, the worst
overdue accounts and DSO for one scope — the viewer's own contracts, a team line, or the company.

Every figure is a sum over whole fen in SQL (`kam.core.aggregates`), taken by five grouped
queries whatever the number of contracts. The population is always the viewer's visible money
(`kam.billing.rules`) narrowed to the scope's owners; only signed contracts (`BILLABLE_STATUSES`)
owe money. Dates are the company's calendar (Asia/Shanghai), so "this month" is the same month
for everyone whatever their own time zone.

Definitions:
- 计划回款 (planned): amounts of the milestones due in the period.
- 计划内已回款 (collected): active allocations (receipt not reversed) to those same milestones,
  whenever they were made — a milestone paid early or late still counts against its own period.
- 到账 (received): recorded (not reversed) receipts with `received_on` in the period, allocated or
  not.
- 完成率 (completion): collected ÷ planned, in percent; none when nothing was planned.
- Aging: outstanding (amount − active allocations) of each milestone still owed, by days past its
  due date; milestones without a due date (event not yet recorded) are not yet due.
- DSO (days sales outstanding, no count-back) = receivables ÷ billed in the last 90 days × 90,
  where receivables = the outstanding of milestones due today or earlier, and billed = issued
  (not voided) invoices with `issued_on` in the 90 days ending today. None when nothing was billed.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Min, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.accounts.models import Account
from kam.accounts.rules import owner_scope_ids
from kam.billing.enums import AgingBucket, InvoiceStatus, ReceiptStatus
from kam.billing.models import Invoice, Receipt
from kam.billing.rules import (
    billing_sees_all,
    invoice_visibility_q,
    milestone_visibility_q,
    receipt_visibility_q,
)
from kam.billing.selectors import bucket_of, milestones_owing
from kam.contracts.models import PaymentMilestone, milestone_outstanding_fen
from kam.core.aggregates import fen, fen_sum, yuan
from kam.users.enums import Role
from kam.users.models import User

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
ONE_PLACE = Decimal("0.1")
DSO_WINDOW_DAYS = 90
SERIES_MONTHS = 12
TOP_OVERDUE = 10
NOT_DUE = "not_due"


class DashboardScope(models.TextChoices):
    ME = "me", gettext_lazy("我的")
    TEAM = "team", gettext_lazy("团队")
    COMPANY = "company", gettext_lazy("全公司")


# ---- scope ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    kind: str
    label: str
    lead: User | None = None  # the head of the line, for a team
    # The contract owners counted; None for the company (everything the viewer sees).
    owner_ids: frozenset[int] | None = None


def _sees_company(viewer: User) -> bool:
    return billing_sees_all(viewer) or viewer.role == Role.SALES_DIRECTOR


def _leads_a_line(viewer: User) -> bool:
    return len(owner_scope_ids(viewer)) > 1


def scope_kinds(viewer: User) -> list[str]:
    """Rep: themself; manager: themself or their line; director, GM, finance, admin: a team
    line or the company. The first kind is the default."""
    if not viewer.is_authenticated or not viewer.is_active:
        return []
    if _sees_company(viewer):
        return [DashboardScope.COMPANY, DashboardScope.TEAM]
    if _leads_a_line(viewer):
        return [DashboardScope.TEAM, DashboardScope.ME]
    return [DashboardScope.ME]


def team_leads(viewer: User) -> list[User]:
    """The heads of the team lines the viewer may pick: anyone with active direct reports, in
    the viewer's own reporting line unless the viewer sees all money."""
    if DashboardScope.TEAM not in scope_kinds(viewer):
        return []
    leads = User.objects.filter(is_active=True, direct_reports__is_active=True)
    if not billing_sees_all(viewer):
        leads = leads.filter(pk__in=owner_scope_ids(viewer))
    return list(leads.select_related("team").distinct().order_by("team__name", "username"))


def lead_label(lead: User) -> str:
    if lead.team_id is None:
        return _("%(name)s 的团队") % {"name": lead}
    return _("%(team)s（%(name)s）") % {"team": lead.team, "name": lead}


def scope_resolve(
    viewer: User, kind: str | None = None, lead_id: int | None = None
) -> tuple[Scope, list[User]]:
    """The scope asked for, or the viewer's default, with the team leads they may pick.
    A scope or a team outside the viewer's reach is refused (PermissionDenied), never widened
    or silently replaced."""
    kinds = scope_kinds(viewer)
    if not kinds:
        raise PermissionDenied
    kind = kind or kinds[0]
    if kind not in kinds:
        raise PermissionDenied(_("您不能查看这个范围的回款看板。"))
    leads = team_leads(viewer)
    if kind == DashboardScope.ME:
        return Scope(kind, _("我的"), owner_ids=frozenset({viewer.pk})), leads
    if kind == DashboardScope.COMPANY:
        return Scope(kind, _("全公司")), leads
    if lead_id is None:
        lead_id = viewer.pk if _leads_a_line(viewer) else (leads[0].pk if leads else None)
    lead = next((user for user in leads if user.pk == lead_id), None)
    if lead is None:
        raise PermissionDenied(_("您不能查看这个团队的回款看板。"))
    return Scope(kind, lead_label(lead), lead, owner_scope_ids(lead)), leads


# ---- populations ----------------------------------------------------------------------------


def _owned(scope: Scope, path: str) -> Q:
    return Q() if scope.owner_ids is None else Q(**{f"{path}owner_id__in": scope.owner_ids})


def scoped_milestones(user: User, scope: Scope) -> QuerySet[PaymentMilestone]:
    return PaymentMilestone.objects.filter(
        milestone_visibility_q(user, as_id_sets=True), _owned(scope, "contract__"),
        billable=True,
    )  # fmt: skip


def scoped_receipts(user: User, scope: Scope) -> QuerySet[Receipt]:
    """Recorded receipts; one not yet tied to a contract belongs to the account's owner."""
    owned = _owned(scope, "contract__")
    if scope.owner_ids is not None:
        owned |= Q(contract__isnull=True) & _owned(scope, "account__")
    return Receipt.objects.filter(
        receipt_visibility_q(user, as_id_sets=True), owned, status=ReceiptStatus.RECORDED
    )


def scoped_invoices(user: User, scope: Scope) -> QuerySet[Invoice]:
    return Invoice.objects.filter(
        invoice_visibility_q(user, as_id_sets=True),
        _owned(scope, "contract__"),
        status=InvoiceStatus.ISSUED,
    )


# ---- figures --------------------------------------------------------------------------------


def dashboard_today() -> date:
    return timezone.localdate(timezone.now(), ZoneInfo(settings.TIME_ZONE))


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole <= 0:
        return None
    return (part * HUNDRED / whole).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def days_sales_outstanding(receivable: Decimal, billed: Decimal) -> Decimal | None:
    """DSO = receivables ÷ billed in the last 90 days × 90, to a tenth of a day."""
    if billed <= 0:
        return None
    return (receivable * DSO_WINDOW_DAYS / billed).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PeriodFigures:
    label: str
    start: date
    end: date  # inclusive
    planned: Decimal
    collected: Decimal
    received: Decimal

    @property
    def completion(self) -> Decimal | None:
        return percent(self.collected, self.planned)


@dataclass(frozen=True)
class AgingFigures:
    buckets: dict[str, Decimal]  # NOT_DUE and every AgingBucket value

    @property
    def overdue(self) -> Decimal:
        return sum((self.buckets[bucket.value] for bucket in AgingBucket), ZERO)

    @property
    def outstanding(self) -> Decimal:
        return self.overdue + self.buckets[NOT_DUE]


@dataclass(frozen=True)
class OverdueAccount:
    account_id: int
    name: str
    owner: str
    overdue: Decimal
    oldest_days: int


@dataclass(frozen=True)
class Dso:
    receivable: Decimal
    billed: Decimal

    @property
    def days(self) -> Decimal | None:
        return days_sales_outstanding(self.receivable, self.billed)


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    today: date
    month: PeriodFigures
    quarter: PeriodFigures
    series: list[PeriodFigures]
    aging: AgingFigures
    top_overdue: list[OverdueAccount]
    dso: Dso

    @property
    def is_empty(self) -> bool:
        """Nothing planned, received or owed in sight: the page shows its empty state."""
        return (
            not any(point.planned or point.received for point in self.series)
            and not self.quarter.planned
            and not self.quarter.received
            and not self.aging.outstanding
        )


def _add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_start(day: date) -> date:
    return day.replace(day=1)


@dataclass(frozen=True)
class _MilestoneDays:
    """The milestones' money per due date (None: the awaited event has not happened)."""

    planned: dict[date, tuple[int, int]]  # due date in the window → (planned, collected) fen
    outstanding: dict[date | None, int]  # due date → outstanding fen, of what is still owed

    def monthly_plan(self) -> dict[date, tuple[int, int]]:
        months: dict[date, tuple[int, int]] = {}
        for day, (planned, collected) in self.planned.items():
            before = months.get(_month_start(day), (0, 0))
            months[_month_start(day)] = (before[0] + planned, before[1] + collected)
        return months

    def aging(self, today: date) -> AgingFigures:
        """Outstanding by days past due; due today or later, or undated, is not yet due."""
        buckets = {NOT_DUE: 0, **{bucket.value: 0 for bucket in AgingBucket}}
        for day, outstanding in self.outstanding.items():
            key = NOT_DUE if day is None or day >= today else bucket_of((today - day).days).value
            buckets[key] += outstanding
        return AgingFigures({key: yuan(value) for key, value in buckets.items()})

    def receivable(self, today: date) -> Decimal:
        return yuan(sum(v for day, v in self.outstanding.items() if day and day <= today))


def _milestone_days(
    milestones: QuerySet[PaymentMilestone], first: date, last: date
) -> _MilestoneDays:
    """Plan and aging in one pass: the milestones due from `first` to `last` or still owed,
    grouped by due date (a few hundred rows), folded into months and buckets here. One scan
    instead of two, and no month truncation in SQL (on SQLite a Python call per row)."""
    in_window = Q(due_date__gte=first, due_date__lte=last)
    owed = Q(outstanding_fen__gt=0)
    rows = (
        milestones.annotate(outstanding_fen=milestone_outstanding_fen())
        .filter(in_window | owed)
        .order_by()
        .values_list("due_date")
        .annotate(
            planned=fen_sum(fen("amount"), in_window),
            collected=Sum("allocated_fen", filter=in_window, default=0),
            outstanding=Sum("outstanding_fen", filter=owed, default=0),
        )
    )
    planned: dict[date, tuple[int, int]] = {}
    outstanding: dict[date | None, int] = {}
    for day, planned_fen, collected_fen, outstanding_fen in rows:
        if day is not None and first <= day <= last:
            planned[day] = (planned_fen, collected_fen)
        if outstanding_fen:
            outstanding[day] = outstanding_fen
    return _MilestoneDays(planned, outstanding)


def _monthly_received(receipts: QuerySet[Receipt], first: date, last: date) -> dict[date, int]:
    rows = (
        receipts.filter(received_on__gte=first, received_on__lte=last)
        .order_by()
        .values_list("received_on")
        .annotate(received=fen_sum(fen("amount"), Q()))
    )
    months: dict[date, int] = {}
    for day, received in rows:
        month = _month_start(day)
        months[month] = months.get(month, 0) + received
    return months


def _period(
    label: str, months: list[date], plan: dict[date, tuple[int, int]], received: dict[date, int]
) -> PeriodFigures:
    return PeriodFigures(
        label=label,
        start=months[0],
        end=_add_months(months[-1], 1) - timedelta(days=1),
        planned=yuan(sum(plan.get(month, (0, 0))[0] for month in months)),
        collected=yuan(sum(plan.get(month, (0, 0))[1] for month in months)),
        received=yuan(sum(received.get(month, 0) for month in months)),
    )


def _top_overdue(milestones: QuerySet[PaymentMilestone], today: date) -> list[OverdueAccount]:
    """The accounts owing the most past due; ties go to the oldest debt, then the older
    account. Summed by account key alone (joining every owed row to its account to group by
    name costs more than the sums), then the ten are named in a second query."""
    rows = list(
        milestones_owing(milestones.filter(due_date__lt=today))
        .order_by()
        .values("account_id")
        .annotate(overdue=Sum("outstanding_fen"), oldest=Min("due_date"))
        .order_by("-overdue", "oldest", "account_id")[:TOP_OVERDUE]
    )
    accounts = (
        Account.objects.select_related("owner")
        .only("name", "owner__display_name", "owner__username")
        .in_bulk([row["account_id"] for row in rows])
    )
    top = []
    for row in rows:
        account = accounts[row["account_id"]]
        top.append(
            OverdueAccount(
                account_id=account.pk,
                name=account.name,
                owner=str(account.owner or ""),
                overdue=yuan(row["overdue"]),
                oldest_days=(today - row["oldest"]).days,
            )
        )
    return top


def _billed(invoices: QuerySet[Invoice], today: date) -> Decimal:
    first = today - timedelta(days=DSO_WINDOW_DAYS - 1)
    total = invoices.filter(issued_on__gte=first, issued_on__lte=today).aggregate(
        total=fen_sum(fen("amount_with_tax"), Q())
    )["total"]
    return yuan(total)


def dashboard(user: User, scope: Scope, today: date) -> Dashboard:
    this_month = _month_start(today)
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    quarter_months = [_add_months(quarter_start, n) for n in range(3)]
    series_months = [_add_months(this_month, n) for n in range(1 - SERIES_MONTHS, 1)]
    first, last = series_months[0], _add_months(quarter_months[-1], 1) - timedelta(days=1)
    milestones = scoped_milestones(user, scope)
    days = _milestone_days(milestones, first, last)
    plan = days.monthly_plan()
    received = _monthly_received(scoped_receipts(user, scope), first, last)
    quarter_label = _("%(year)s 年第 %(q)s 季度") % {
        "year": today.year,
        "q": (today.month - 1) // 3 + 1,
    }
    return Dashboard(
        scope=scope,
        today=today,
        month=_period(_("%(year)s 年 %(month)s 月") % {"year": today.year, "month": today.month},
                      [this_month], plan, received),
        quarter=_period(quarter_label, quarter_months, plan, received),
        series=[_period(month.strftime("%Y-%m"), [month], plan, received)
                for month in series_months],
        aging=days.aging(today),
        top_overdue=_top_overdue(milestones, today),
        dso=Dso(receivable=days.receivable(today),
                billed=_billed(scoped_invoices(user, scope), today)),
    )  # fmt: skip


# ---- charts ---------------------------------------------------------------------------------


def aging_labels() -> list[tuple[str, str]]:
    return [(NOT_DUE, _("未到期")), *((b.value, str(b.label)) for b in AgingBucket)]


def series_chart_option(board: Dashboard) -> dict[str, object]:
    """Plan and collection as bars, the completion rate as a line on its own axis; an ECharts
    option for kam.js's `data-chart`, amounts as strings (no floats)."""
    points = board.series
    completion = [str(p.completion) if p.completion is not None else None for p in points]
    return {
        "animation": False,
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 80, "right": 56, "top": 36, "bottom": 28},
        "xAxis": {"type": "category", "data": [p.label for p in points]},
        "yAxis": [{"type": "value"}, {"type": "value", "axisLabel": {"formatter": "{value}%"}}],
        "series": [
            {"type": "bar", "name": _("计划回款"), "data": [str(p.planned) for p in points]},
            {"type": "bar", "name": _("计划内已回款"), "data": [str(p.collected) for p in points]},
            {"type": "line", "name": _("完成率"), "yAxisIndex": 1, "data": completion,
             "connectNulls": False},
        ],
    }  # fmt: skip


def aging_chart_option(board: Dashboard) -> dict[str, object]:
    labels = aging_labels()
    return {
        "animation": False,
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 80, "right": 24, "top": 16, "bottom": 28},
        "xAxis": {"type": "category", "data": [label for _key, label in labels]},
        "yAxis": {"type": "value"},
        "series": [
            {"type": "bar", "name": _("未回款"),
             "data": [str(board.aging.buckets[key]) for key, _label in labels]},
        ],
    }  # fmt: skip
