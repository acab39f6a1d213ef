"""Collection alerts (SPEC R-COL-7), run each working morning.

- A milestone still owed and due within `warn_days` whose checklist has gaps: its contract's
  owner is told, once a day, so the gaps are closed before the money falls due.
- A milestone overdue (money still owed past its due date): the owner is told once a day; at
  `escalate_manager_days` overdue the owner's manager is told, at `escalate_director_days` the
  director above — each escalation once per due date, so a manager is not told every morning.

Every notification carries a dedupe key, so a second run the same day sends nothing new."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from kam.checklists.selectors import (
    collection_alert_settings,
    incomplete_items,
    milestones_outstanding,
    milestones_with_gaps,
)
from kam.checklists.sync import checklists_sync
from kam.contracts.models import PaymentMilestone
from kam.core.aggregates import yuan
from kam.notifications.enums import NotificationKind
from kam.notifications.services import notify
from kam.users.enums import Role
from kam.users.models import User
from kam.workcalendar.services import DEFAULT_TZ, is_working_day


def company_today() -> date:
    return datetime.now(ZoneInfo(DEFAULT_TZ)).date()


def _checklist_url(milestone: PaymentMilestone) -> str:
    return reverse("checklists:contract", args=[milestone.contract_id])


def _missing_count() -> Coalesce:
    counted = (
        incomplete_items()
        .filter(milestone_id=OuterRef("pk"))
        .order_by()
        .values("milestone_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _gaps_notify(today: date, warn_days: int) -> int:
    soon = milestones_outstanding(
        PaymentMilestone.objects.filter(
            due_date__gte=today, due_date__lte=today + timedelta(days=warn_days)
        )
    )
    checklists_sync(soon)
    rows = (
        milestones_with_gaps(soon)
        .annotate(missing=_missing_count())
        .select_related("contract__account", "contract__owner")
        .order_by("due_date", "pk")
    )
    created = 0
    for milestone in rows:
        contract = milestone.contract
        title = _("回款清单待补：%(contract)s · %(milestone)s（%(due)s 到期）") % {
            "contract": contract.name, "milestone": milestone, "due": str(milestone.due_date),
        }  # fmt: skip
        body = _("%(account)s：还有 %(n)s 项情理法事项未完成，请在到期前补齐。") % {
            "account": contract.account.name, "n": milestone.missing,
        }  # fmt: skip
        created += len(
            notify(
                recipients=[contract.owner],
                kind=NotificationKind.COLLECTION,
                title=title,
                body=body,
                url=_checklist_url(milestone),
                subject=milestone,
                dedupe_key=f"collection_gaps:{milestone.pk}:{today.isoformat()}",
            )
        )
    return created


def _director_above(owner: User) -> User | None:
    """The first sales director in the owner's line, two levels up at most (rep → manager →
    director); both levels are loaded with the milestone."""
    manager = owner.manager
    line = [manager, manager.manager if manager is not None else None]
    return next((u for u in line if u is not None and u.role == Role.SALES_DIRECTOR), None)


def _overdue_notify(today: date, manager_days: int, director_days: int) -> int:
    rows = (
        milestones_outstanding(PaymentMilestone.objects.filter(due_date__lt=today))
        .select_related("contract__account", "contract__owner__manager__manager")
        .order_by("due_date", "pk")
    )
    created = 0
    for milestone in rows:
        contract, due = milestone.contract, milestone.due_date
        assert due is not None  # noqa: S101 - filtered on due_date__lt
        days = (today - due).days
        outstanding = milestone.amount - yuan(milestone.allocated_fen)
        owner = contract.owner
        levels: list[tuple[User | None, str]] = [
            (owner, f"collection_overdue:{milestone.pk}:{today.isoformat()}")
        ]
        if days >= manager_days:
            key = f"collection_escalate_manager:{milestone.pk}:{due.isoformat()}"
            levels.append((owner.manager, key))
        if days >= director_days:
            key = f"collection_escalate_director:{milestone.pk}:{due.isoformat()}"
            levels.append((_director_above(owner), key))
        title = _("回款逾期 %(days)s 天：%(contract)s · %(milestone)s") % {
            "days": days, "contract": contract.name, "milestone": milestone,
        }  # fmt: skip
        body = _("%(account)s：应于 %(due)s 回款，尚欠 %(amount)s 元，负责人 %(owner)s。") % {
            "account": contract.account.name, "due": due.isoformat(),
            "amount": f"{outstanding:,.2f}", "owner": owner,
        }  # fmt: skip
        for recipient, key in levels:
            created += len(
                notify(
                    recipients=[recipient],
                    kind=NotificationKind.COLLECTION,
                    title=title,
                    body=body,
                    url=_checklist_url(milestone),
                    subject=milestone,
                    dedupe_key=key,
                )
            )
    return created


def collection_alerts_send(*, today: date | None = None) -> int:
    """Both alerts for `today` (nothing on a non-working day). Returns how many notifications
    were created."""
    today = today or company_today()
    if not is_working_day(today):
        return 0
    thresholds = collection_alert_settings()
    return _gaps_notify(today, thresholds.warn_days) + _overdue_notify(
        today, thresholds.escalate_manager_days, thresholds.escalate_director_days
    )
