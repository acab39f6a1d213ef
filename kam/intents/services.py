"""Writes for intent classes (SPEC R-INT-1/2): the one place a class change is recorded, the
thresholds, and the three alerts (a quiet team, a stale A-class deal, a downgrade from A)."""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.audit.services import audit_record_changes, audit_snapshot
from kam.intents.models import DEFAULT_THRESHOLDS, IntentChange, IntentThresholds
from kam.intents.rules import thresholds_manageable_by
from kam.intents.selectors import intent_thresholds, last_movement, open_opportunities
from kam.leads.models import Lead
from kam.notifications.enums import NotificationKind
from kam.notifications.services import notify
from kam.opportunities.enums import IntentClass
from kam.opportunities.models import Opportunity
from kam.search.services import search_index_intent_change
from kam.users.enums import Role
from kam.users.models import Team, User
from kam.workcalendar.services import DEFAULT_TZ, calendar_load

THRESHOLD_FIELDS = list(DEFAULT_THRESHOLDS)
THRESHOLD_MAX = 365
A = IntentClass.A.value


def _subject_url(subject: Lead | Opportunity) -> str:
    if isinstance(subject, Opportunity):
        return subject.get_absolute_url()
    return reverse("leads:detail", args=[subject.pk])


def _subject_name(subject: Lead | Opportunity) -> str:
    return subject.name if isinstance(subject, Opportunity) else subject.company_name


@transaction.atomic
def intent_change_record(
    *,
    subject: Lead | Opportunity,
    from_class: str,
    to_class: str,
    actor: User | None,
    reason: str = "",
) -> IntentChange | None:
    """Record a class change of a lead or an opportunity (nothing when the class is unchanged),
    called by the lead and opportunity services inside their own transaction. A fall from A
    tells the owner's manager at once."""
    if from_class == to_class:
        return None
    owner = User.objects.select_related("manager").get(pk=subject.owner_id)
    change = IntentChange.objects.create(
        lead=subject if isinstance(subject, Lead) else None,
        opportunity=subject if isinstance(subject, Opportunity) else None,
        from_class=from_class,
        to_class=to_class,
        owner=owner,
        team_id=owner.team_id,
        actor=actor,
        reason=reason[:200],
    )
    search_index_intent_change(change)
    if from_class == A and change.is_downgrade:
        _downgrade_notify(change, subject, owner, actor)
    return change


def _downgrade_notify(
    change: IntentChange, subject: Lead | Opportunity, owner: User, actor: User | None
) -> None:
    recipients = [u for u in (owner.manager,) if u is not None and u != actor]
    notify(
        recipients=recipients,
        kind=NotificationKind.INTENT_DOWNGRADE,
        title=_("意向等级下调：%(name)s %(old)s → %(new)s")
        % {"name": _subject_name(subject), "old": change.from_class, "new": change.to_class or "—"},
        body=_("%(owner)s 的 A 类%(what)s被%(actor)s下调为 %(new)s。")
        % {
            "owner": owner,
            "what": _("商机") if change.opportunity_id else _("线索"),
            "actor": actor or _("系统"),
            "new": change.to_class or _("未分级"),
        },
        url=_subject_url(subject),
        subject=subject,
        dedupe_key=f"intent_downgrade:{change.pk}",
    )


def intent_conversion_record(*, lead: Lead, opportunity: Opportunity) -> None:
    """A converted lead hands its class to the new deal: the deal's first history row starts
    from the lead's class, so a lead already at A does not count as a new A for its team."""
    if lead.intent_class:
        first = IntentChange.objects.filter(opportunity=opportunity, from_class="")
        changed = list(first)
        first.update(from_class=lead.intent_class, reason=_("由线索转化"))
        for change in changed:
            search_index_intent_change(change)


def _threshold_errors(values: dict[str, Any]) -> tuple[dict[str, int], dict[str, list[str]]]:
    clean: dict[str, int] = {}
    errors: dict[str, list[str]] = {}
    for name in THRESHOLD_FIELDS:
        value = values.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            errors[name] = [_("请输入整数。")]
        elif not 0 < value <= THRESHOLD_MAX:
            errors[name] = [_("必须在 1 到 %(max)s 之间。") % {"max": THRESHOLD_MAX}]
        else:
            clean[name] = value
    if "a_days" in clean and "b_days" in clean and clean["a_days"] >= clean["b_days"]:
        errors.setdefault("b_days", []).append(_("B 类天数必须大于 A 类天数。"))
    if "b_days" in clean and "c_days" in clean and clean["b_days"] >= clean["c_days"]:
        errors.setdefault("c_days", []).append(_("C 类天数必须大于 B 类天数。"))
    return clean, errors


@transaction.atomic
def intent_thresholds_update(*, actor: User, values: dict[str, Any]) -> IntentThresholds:
    """Set all five thresholds at once (directors, GM and admin); the change is audited."""
    if not thresholds_manageable_by(actor):
        raise PermissionDenied(_("只有销售总监、总经理和管理员可以修改意向等级阈值。"))
    unknown = set(values) - set(THRESHOLD_FIELDS)
    if unknown:
        raise ValueError(f"not settable: {sorted(unknown)}")
    clean, errors = _threshold_errors(values)
    if errors:
        raise ValidationError(errors)
    intent_thresholds()
    locked = IntentThresholds.objects.select_for_update().get(pk=1)
    before = audit_snapshot(locked, THRESHOLD_FIELDS)
    for name, value in clean.items():
        setattr(locked, name, value)
    locked.updated_by = actor
    locked.save()
    audit_record_changes(instance=locked, before=before, actor=actor)
    return locked


# --- alerts (R-INT-2) ----------------------------------------------------------------------


def _previous_working_days(day: date, n: int) -> list[date]:
    """The n working days before `day` (not counting `day`), latest first."""
    calendar = calendar_load()
    found: list[date] = []
    cursor = day
    while len(found) < n:
        cursor -= timedelta(days=1)
        if calendar.is_working_day(cursor):
            found.append(cursor)
    return found


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(DEFAULT_TZ))


def _team_managers(team: Team, reps: list[User]) -> list[User]:
    managers = list(User.objects.filter(team=team, role=Role.SALES_MANAGER, is_active=True))
    if managers:
        return managers
    return [rep.manager for rep in reps if rep.manager is not None]


def intent_team_quiet_notify(*, today: date | None = None) -> int:
    """Tell a sales team's manager(s) when the team has had no new A class for
    `quiet_team_working_days` (N) working days.

    Run on working day D (on other days it does nothing), it looks at the N working days before
    D — D itself is still under way — from local midnight of the earliest of them to local
    midnight of D, in the company's time zone. Weekends and holidays are skipped and make-up
    workdays count, so a team quiet over the National Day week is not flagged for the holiday.
    A "new A" is any change into A from another class or none; a converted lead that was
    already A is not new. Teams are those with at least one active account manager (rep).
    One notification per quiet stretch: the dedupe key names the team and the date of its last
    new A, so the alert repeats only after the team has had an A and gone quiet again.
    Returns how many notifications were created."""
    today = today or datetime.now(ZoneInfo(DEFAULT_TZ)).date()
    if not calendar_load().is_working_day(today):
        return 0
    window = _previous_working_days(today, intent_thresholds().quiet_team_working_days)
    start, end = _local_midnight(window[-1]), _local_midnight(today)
    new_a = IntentChange.objects.filter(to_class=A).exclude(from_class=A)
    created = 0
    reps = User.objects.filter(role=Role.ACCOUNT_MANAGER, is_active=True, team__isnull=False)
    by_team: dict[int, list[User]] = {}
    for rep in reps.select_related("manager").order_by("pk"):
        by_team.setdefault(rep.team_id, []).append(rep)  # type: ignore[arg-type]
    for team in Team.objects.filter(pk__in=list(by_team)).order_by("pk"):
        team_new_a = new_a.filter(team=team, changed_at__lt=end)
        if team_new_a.filter(changed_at__gte=start).exists():
            continue
        last = team_new_a.order_by("-changed_at").values_list("changed_at", flat=True).first()
        last_day = last.astimezone(ZoneInfo(DEFAULT_TZ)).date().isoformat() if last else "none"
        created += len(
            notify(
                recipients=_team_managers(team, by_team[team.pk]),
                kind=NotificationKind.INTENT_TEAM_QUIET,
                title=_("%(team)s 已连续 %(n)s 个工作日没有新增 A 类")
                % {"team": team.name, "n": len(window)},
                body=_("%(start)s 至 %(end)s 期间，团队没有商机或线索升级为 A 类。")
                % {"start": window[-1].isoformat(), "end": window[0].isoformat()},
                url=reverse("intents:board") + f"?team={team.pk}",
                subject=team,
                dedupe_key=f"intent_team_quiet:{team.pk}:{last_day}",
            )
        )
    return created


def intent_a_stale_notify(*, now: datetime | None = None) -> int:
    """Tell the owner and the owner's manager about each open A-class deal that has not moved
    for `stale_a_days`: neither entered a stage nor changed class since (an edit of other
    fields is not progress). Once per stale stretch: the dedupe key carries the last movement.
    Returns how many notifications were created."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=intent_thresholds().stale_a_days)
    deals = (
        Opportunity.objects.filter(open_opportunities(), intent_class=A)
        .annotate(last_moved=last_movement())
        .filter(last_moved__lt=cutoff)
        .select_related("owner", "owner__manager")
        .order_by("pk")
    )
    created = 0
    for deal in deals.iterator(chunk_size=500):
        moved: datetime = deal.last_moved
        days = (now - moved).days
        created += len(
            notify(
                recipients=[deal.owner, deal.owner.manager],
                kind=NotificationKind.INTENT_A_STALE,
                title=_("A 类商机 %(days)s 天没有推进：%(name)s")
                % {"days": days, "name": deal.name},
                body=_("%(owner)s 负责的 A 类商机自 %(since)s 起没有阶段推进或等级变化。")
                % {
                    "owner": deal.owner,
                    "since": moved.astimezone(ZoneInfo(DEFAULT_TZ)).date().isoformat(),
                },
                url=deal.get_absolute_url(),
                subject=deal,
                dedupe_key=f"intent_a_stale:{deal.pk}:{moved.isoformat()}",
            )
        )
    return created
