"""Scorecards per rep and per team (SPEC R-REV-5): what each rep did in a period, from the
records themselves, so managers coach from data rather than from memory.

Every metric is one grouped query over all the reps on the card (`values("owner")
.annotate(...)`), so a card for fifty reps costs what a card for one does:

- 新增 A 类 (new_a): intent changes into class A (from anything else) of the rep's leads and
  deals in the period (`kam.intents.IntentChange`, owner at the time of the change).
- 阶段推进 (forward_moves): stage moves to a later stage of the same process, not through a
  bypassed gate and not into a lost stage (`StageMove.owner`, `moved_at`).
- 赢单 / 赢单金额 (wins, won_amount): deals closed won in the period; amounts summed exactly in
  fen (`kam.core.aggregates`).
- 输单 (losses): deals closed lost in the period.
- 在手商机金额 (pipeline_amount): the rep's open deals now (not period-bound).
- 拜访 (visits): interactions the rep logged with `occurred_at` in the period.
- 理单纪律 (review_filed / review_due): review sheets filed on working days of the period
  (`kam.reviews.ReviewSheet`) against the working days due (`kam.workcalendar`) — days before
  today, and today once its sheet is filed.
- 关卡违规 (violations): stage moves that bypassed a gate in the period.
- 回款金额 (collected_amount): active allocations (`reversed_at IS NULL`, so a reversed receipt
  drops out) of receipts received in the period (`Receipt.received_on`, dates inclusive), to
  milestones of contracts the rep owns (`Contract.owner`).
- 逾期金额 (overdue_amount): what is still outstanding now (milestone amount − active
  allocations, never below zero per milestone) on milestones due before today, on the rep's
  contracts in `BILLABLE_STATUSES` (not period-bound, like the pipeline).

Renewals (续约) are not on the card yet; they come with their own issue, the same way: one more
grouped query by contract owner and one more field on `RepCard`.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, F, Q, QuerySet, Value
from django.db.models.functions import Greatest
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.accounts.models import Account
from kam.billing.models import Allocation
from kam.contacts.enums import ContactStatus, DecisionRole
from kam.contacts.models import Contact
from kam.contracts.enums import BILLABLE_STATUSES
from kam.contracts.models import PaymentMilestone
from kam.core.aggregates import count_where, fen, fen_sum, yuan
from kam.intents.models import IntentChange
from kam.interactions.models import Interaction
from kam.opportunities.enums import IntentClass, StageKind
from kam.opportunities.models import Opportunity, OpportunityTeamMember, StageMove
from kam.presales.enums import RequestStatus
from kam.presales.models import PresalesRequest
from kam.reviews.models import ReviewSheet
from kam.scorecards.enums import Capability, PeriodKind
from kam.scorecards.models import SCORE_FIELDS, CapabilityAssessment
from kam.scorecards.rules import scorecard_can_view, scorecard_reps_q
from kam.users.models import User
from kam.workcalendar.services import calendar_load

ZERO = Decimal("0.00")
# A move to a later stage of the deal's process, through its gate, not into a lost stage.
FORWARD_MOVE = Q(
    bypassed=False, from_stage__isnull=False, to_stage__order__gt=F("from_stage__order")
) & ~Q(to_stage__kind=StageKind.LOST)
SUMMED = ("new_a", "forward_moves", "wins", "won_amount", "losses", "pipeline_amount", "visits",
          "review_filed", "review_due", "violations", "collected_amount",
          "overdue_amount")  # fmt: skip
MAX_CUSTOM_DAYS = 366

# Sortable columns of the team card: key → label.
COLUMNS = {
    "new_a": gettext_lazy("新增 A 类"),
    "forward_moves": gettext_lazy("阶段推进"),
    "wins": gettext_lazy("赢单"),
    "won_amount": gettext_lazy("赢单金额"),
    "losses": gettext_lazy("输单"),
    "pipeline_amount": gettext_lazy("在手商机金额"),
    "visits": gettext_lazy("拜访"),
    "review_rate": gettext_lazy("理单纪律"),
    "violations": gettext_lazy("关卡违规"),
    "collected_amount": gettext_lazy("回款金额"),
    "overdue_amount": gettext_lazy("逾期金额"),
}


# ---- period -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # inclusive
    zone: ZoneInfo
    today: date

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=self.zone)

    @property
    def end_before(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=self.zone)


def user_zone(user: User) -> ZoneInfo:
    try:
        return ZoneInfo(user.time_zone or "Asia/Shanghai")
    except (KeyError, ValueError):
        return ZoneInfo("Asia/Shanghai")


def period_resolve(
    *, viewer: User, kind: str = PeriodKind.MONTH, start: date | None = None,
    end: date | None = None,
) -> Period:  # fmt: skip
    """The period in the viewer's own zone: "this week" is their Monday to Sunday."""
    zone = user_zone(viewer)
    today = datetime.now(zone).date()
    if kind == PeriodKind.WEEK:
        first = today - timedelta(days=today.weekday())
        return Period(kind, first, first + timedelta(days=6), zone, today)
    if kind == PeriodKind.QUARTER:
        first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        return Period(kind, first, _month_end(_add_months(first, 2)), zone, today)
    if kind == PeriodKind.CUSTOM:
        if start is None or end is None:
            raise ValidationError({"start": [_("自定义期间请填写开始和结束日期。")]})
        if end < start:
            raise ValidationError({"end": [_("结束日期不能早于开始日期。")]})
        if (end - start).days >= MAX_CUSTOM_DAYS:
            raise ValidationError({"end": [_("自定义期间最长一年。")]})
        return Period(kind, start, end, zone, today)
    first = today.replace(day=1)
    return Period(PeriodKind.MONTH, first, _month_end(first), zone, today)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def _month_end(day: date) -> date:
    return _add_months(day.replace(day=1), 1) - timedelta(days=1)


# ---- cards --------------------------------------------------------------------------------


@dataclass
class RepCard:
    rep: User | None
    new_a: int = 0
    forward_moves: int = 0
    wins: int = 0
    won_amount: Decimal = ZERO
    losses: int = 0
    pipeline_amount: Decimal = ZERO
    visits: int = 0
    review_filed: int = 0
    review_due: int = 0
    violations: int = 0
    collected_amount: Decimal = ZERO
    overdue_amount: Decimal = ZERO

    @property
    def review_rate(self) -> Decimal | None:
        """Filed share of the working days due, in percent (None before any day is due)."""
        if not self.review_due:
            return None
        return (Decimal(100) * self.review_filed / self.review_due).quantize(Decimal("0.1"))

    def as_dict(self) -> dict[str, Any]:
        return {
            "rep_id": self.rep.pk if self.rep else None,
            "rep_name": str(self.rep) if self.rep else "",
            **{name: getattr(self, name) for name in COLUMNS},
            "review_filed": self.review_filed,
            "review_due": self.review_due,
        }


@dataclass
class TeamCard:
    period: Period
    rows: list[RepCard]
    total: RepCard = field(default_factory=lambda: RepCard(rep=None))


def scorecard_reps(viewer: User) -> QuerySet[User]:
    return (
        User.objects.filter(scorecard_reps_q(viewer))
        .select_related("team")
        .order_by("display_name", "username")
    )


def _by_owner(rows: Any, key: str = "owner") -> dict[int, dict[str, Any]]:
    return {row[key]: row for row in rows}


def _review_counts(rep_ids: list[int], period: Period) -> tuple[dict[int, int], dict[int, int]]:
    """Filed working-day sheets per rep, and the working days due per rep."""
    calendar = calendar_load()
    last = min(period.end, period.today)
    filed: dict[int, int] = defaultdict(int)
    filed_today: set[int] = set()
    sheets = ReviewSheet.objects.filter(
        rep_id__in=rep_ids, day__gte=period.start, day__lte=last, filed_at__isnull=False
    ).values_list("rep_id", "day")
    for rep_id, day in sheets:
        if calendar.is_working_day(day):
            filed[rep_id] += 1
            if day == period.today:
                filed_today.add(rep_id)
    due_before_today = sum(
        1
        for offset in range((min(last, period.today - timedelta(days=1)) - period.start).days + 1)
        if calendar.is_working_day(period.start + timedelta(days=offset))
    )
    due = {rep_id: due_before_today + (rep_id in filed_today) for rep_id in rep_ids}
    return filed, due


def scorecard_rows(reps: list[User], period: Period) -> list[RepCard]:
    """One card per rep, every metric one grouped query for all of them."""
    ids = [rep.pk for rep in reps]
    within = {"gte": period.start_at, "lt": period.end_before}
    # The two plain counts in one statement (UNION ALL): the page stays within ten queries.
    new_a_rows = (
        IntentChange.objects.filter(
            owner_id__in=ids, to_class=IntentClass.A,
            changed_at__gte=within["gte"], changed_at__lt=within["lt"],
        )
        .exclude(from_class=IntentClass.A)
        .values("owner")
        .annotate(metric=Value("new_a"), n=Count("pk"))
        .values_list("owner", "metric", "n")
        .order_by()
    )  # fmt: skip
    visit_rows = (
        Interaction.objects.filter(
            created_by_id__in=ids, occurred_at__gte=within["gte"], occurred_at__lt=within["lt"]
        )
        .values("created_by")
        .annotate(metric=Value("visits"), n=Count("pk"))
        .values_list("created_by", "metric", "n")
        .order_by()
    )
    counts: dict[tuple[int, str], int] = {
        (rep_id, metric): n
        for rep_id, metric, n in new_a_rows.union(visit_rows, all=True).order_by()
    }
    moves = _by_owner(
        StageMove.objects.filter(
            owner_id__in=ids, moved_at__gte=within["gte"], moved_at__lt=within["lt"]
        )
        .values("owner")
        .annotate(
            forward=count_where(
                Q(
                    bypassed=False,
                    from_stage__isnull=False,
                    to_stage__order__gt=F("from_stage__order"),
                )
                & ~Q(to_stage__kind=StageKind.LOST)
            ),
            violations=count_where(Q(bypassed=True)),
        )
    )
    # Closed in the period and still open, one pass over the reps' deals.
    closed_within = Q(closed_at__gte=within["gte"], closed_at__lt=within["lt"])
    is_open = Q(closed_at__isnull=True)
    deals = _by_owner(
        Opportunity.objects.filter(closed_within | is_open, owner_id__in=ids)
        .values("owner")
        .annotate(
            wins=count_where(closed_within & Q(stage__kind=StageKind.WON)),
            won_fen=fen_sum(fen("amount"), closed_within & Q(stage__kind=StageKind.WON)),
            losses=count_where(closed_within & Q(stage__kind=StageKind.LOST)),
            open_fen=fen_sum(fen("amount"), is_open),
        )
    )
    collected = _by_owner(
        Allocation.objects.filter(
            milestone__contract__owner_id__in=ids, reversed_at__isnull=True,
            receipt__received_on__gte=period.start, receipt__received_on__lte=period.end,
        )
        .values("milestone__contract__owner")
        .annotate(collected_fen=fen_sum(fen("amount"), Q())),
        key="milestone__contract__owner",
    )  # fmt: skip
    overdue = _by_owner(
        PaymentMilestone.objects.filter(
                contract__owner_id__in=ids, contract__status__in=BILLABLE_STATUSES,
                due_date__lt=period.today,
            )
        .values("contract__owner")
        .annotate(
            # Per milestone, so an over-allocated one cannot hide another's arrears.
            overdue_fen=fen_sum(Greatest(fen("amount") - F("allocated_fen"), Value(0)), Q())
        ),
        key="contract__owner",
    )  # fmt: skip
    filed, due = _review_counts(ids, period)
    cards = []
    for rep in reps:
        move = moves.get(rep.pk, {})
        deal = deals.get(rep.pk, {})
        cards.append(
            RepCard(
                rep=rep,
                new_a=counts.get((rep.pk, "new_a"), 0),
                forward_moves=move.get("forward", 0),
                violations=move.get("violations", 0),
                wins=deal.get("wins", 0),
                won_amount=yuan(deal.get("won_fen")),
                losses=deal.get("losses", 0),
                pipeline_amount=yuan(deal.get("open_fen")),
                visits=counts.get((rep.pk, "visits"), 0),
                review_filed=filed.get(rep.pk, 0),
                review_due=due.get(rep.pk, 0),
                collected_amount=yuan(collected.get(rep.pk, {}).get("collected_fen")),
                overdue_amount=yuan(overdue.get(rep.pk, {}).get("overdue_fen")),
            )
        )
    return cards


def _total(rows: list[RepCard]) -> RepCard:
    total = RepCard(rep=None)
    for row in rows:
        for name in SUMMED:
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return total


def _sort_key(name: str) -> Any:
    def key(card: RepCard) -> Any:
        value = getattr(card, name)
        return (value is not None, value if value is not None else 0)

    return key


def scorecard_team(
    *, viewer: User, period: Period, sort: str = "won_amount", descending: bool = True
) -> TeamCard:
    """The card of everyone the viewer may see; the total row sums them (amounts exactly)."""
    rows = scorecard_rows(list(scorecard_reps(viewer)), period)
    if sort in COLUMNS:
        rows.sort(key=_sort_key(sort), reverse=descending)
    return TeamCard(period=period, rows=rows, total=_total(rows))


def scorecard_rep_get(viewer: User, pk: int) -> User:
    """A user whose card the viewer may see; anyone else is a 404."""
    rep = get_object_or_404(User.objects.select_related("team", "manager"), pk=pk)
    if not scorecard_can_view(viewer, rep):
        raise Http404
    return rep


def scorecard_rep(*, rep: User, period: Period) -> RepCard:
    return scorecard_rows([rep], period)[0]


# ---- capability profile -------------------------------------------------------------------


def capability_history(rep: User) -> QuerySet[CapabilityAssessment]:
    return CapabilityAssessment.objects.filter(rep=rep).select_related("assessor")


@dataclass
class Indicator:
    capability: str
    label: str
    value: str
    formula: str

    @property
    def capability_label(self) -> str:
        return str(Capability(self.capability).label)


def _share(part: int, whole: int) -> str:
    if not whole:
        return "—"
    return f"{(Decimal(100) * part / whole).quantize(Decimal('1'))}%  ({part}/{whole})"


def _ratio(value: Decimal | float | None) -> str:
    if value is None:
        return "—"
    return str(Decimal(str(value)).quantize(Decimal("0.1")))


def capability_indicators(rep: User) -> list[Indicator]:
    """Data beside the manager's judgement, one or two numbers per capability:

    - 客户关系: share of the rep's accounts with an in-post decision maker (决策者) among their
      key people; and the average closeness (关系紧密度, 1–5) of the in-post key people there.
    - 解决方案: share of the rep's open deals whose four-question assessment (项目评估) is
      complete.
    - 交付与服务: share of the rep's deals with a quote whose quotes were reviewed by a delivery
      manager (DeliveryReview).
    - 资源协调: presales requests (past draft) per open deal; and people on the deal team per
      open deal.
    """
    accounts = Account.objects.filter(owner=rep).aggregate(
        total=Count("pk", distinct=True),
        with_dm=Count(
            "pk",
            filter=Q(
                contacts__decision_role=DecisionRole.DECISION_MAKER,
                contacts__status=ContactStatus.IN_POST,
            ),
            distinct=True,
        ),
    )
    closeness = Contact.objects.filter(account__owner=rep, status=ContactStatus.IN_POST).aggregate(
        avg=Avg("closeness")
    )["avg"]
    deals = Opportunity.objects.filter(owner=rep)
    open_deals = deals.filter(closed_at__isnull=True)
    solution = open_deals.aggregate(
        total=Count("pk"),
        complete=count_where(
            Q(
                assessment__real_score__isnull=False,
                assessment__compete_score__isnull=False,
                assessment__win_score__isnull=False,
                assessment__worth_score__isnull=False,
            )
        ),
    )
    quoted = deals.aggregate(
        total=Count("pk", filter=Q(quote_versions__isnull=False), distinct=True),
        reviewed=Count("pk", filter=Q(quote_versions__reviews__isnull=False), distinct=True),
    )
    open_count = solution["total"]
    requests = (
        PresalesRequest.objects.filter(opportunity__owner=rep, opportunity__closed_at__isnull=True)
        .exclude(status=RequestStatus.DRAFT)
        .count()
    )
    members = OpportunityTeamMember.objects.filter(
        opportunity__owner=rep, opportunity__closed_at__isnull=True
    ).count()
    per_deal = lambda n: _ratio(Decimal(n) / open_count) if open_count else "—"  # noqa: E731
    return [
        Indicator(Capability.RELATIONSHIP, _("有决策者的客户占比"),
                  _share(accounts["with_dm"], accounts["total"]),
                  _("名下客户中，有在职“决策者”关键人的客户数 ÷ 名下客户数")),
        Indicator(Capability.RELATIONSHIP, _("关键人平均紧密度"), _ratio(closeness),
                  _("名下客户在职关键人的关系紧密度平均值（1–5）")),
        Indicator(Capability.SOLUTION, _("完成项目评估的商机占比"),
                  _share(solution["complete"], open_count),
                  _("进行中商机中四项评估均已打分的数量 ÷ 进行中商机数")),
        Indicator(Capability.DELIVERY_SERVICE, _("报价经交付评审的商机占比"),
                  _share(quoted["reviewed"], quoted["total"]),
                  _("有报价的商机中，报价经交付经理评审的数量 ÷ 有报价的商机数")),
        Indicator(Capability.RESOURCE_COORDINATION, _("每个商机的售前申请"), per_deal(requests),
                  _("进行中商机提交的售前支持申请数 ÷ 进行中商机数")),
        Indicator(Capability.RESOURCE_COORDINATION, _("每个商机的项目组人数"), per_deal(members),
                  _("进行中商机的项目组成员人次 ÷ 进行中商机数")),
    ]  # fmt: skip


def capability_radar_json(assessments: list[CapabilityAssessment]) -> str:
    """The ECharts option for the radar: the latest assessment, and the one before it."""
    labels = [str(Capability(name).label) for name in SCORE_FIELDS]
    series = [{"value": a.scores, "name": a.assessed_on.isoformat()} for a in assessments[:2]]
    option = {
        "animation": False,
        "legend": {"bottom": 0, "data": [row["name"] for row in series]},
        "radar": {"indicator": [{"name": label, "max": 5} for label in labels], "radius": "62%"},
        "series": [{"type": "radar", "data": series, "areaStyle": {"opacity": 0.15}}],
    }
    return json.dumps(option, ensure_ascii=False)
