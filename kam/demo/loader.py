"""`demo_load`: the demo company's customer base, a year of sales work, deterministic per seed.

This is a data load, not user activity: rows are written with bulk_create (no audit rows), and
the search index is rebuilt once at the end.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from kam.accounts.models import (
    Account,
    AccountTeamMember,
    CoreFieldVerification,
    GradeChange,
    OwnerChange,
)
from kam.contacts.models import (
    Contact,
    EngagementPlan,
    EngagementTouch,
    GuideCost,
    ScoreChange,
)
from kam.demo.catalog import ACCOUNTS
from kam.demo.loader_accounts import AccountsBuilder
from kam.demo.loader_base import Writer
from kam.demo.loader_billing import demo_billing_build, demo_billing_reset
from kam.demo.loader_checklists import demo_checklists_build
from kam.demo.loader_contracts import demo_contracts_build, demo_contracts_reset
from kam.demo.loader_deals import DealsBuilder
from kam.demo.loader_delivery import demo_delivery_build
from kam.demo.loader_intents import demo_intents_build
from kam.demo.loader_interactions import InteractionsBuilder
from kam.demo.loader_leads import demo_leads_build, demo_leads_reset
from kam.demo.loader_people import PeopleBuilder
from kam.demo.loader_pools import demo_pools_build
from kam.demo.loader_reviews import build_reviews
from kam.demo.loader_scorecards import demo_scorecards_build
from kam.demo.loader_tasks import demo_tasks_build
from kam.demo.people import demo_org_create
from kam.interactions.models import Interaction
from kam.notifications.models import Notification
from kam.opportunities.models import Opportunity
from kam.products.demo import demo_products_create
from kam.search.services import search_rebuild

TIMESTAMP_MODELS: list[type[models.Model]] = [
    Account, AccountTeamMember, GradeChange, OwnerChange, CoreFieldVerification, Contact,
    ScoreChange, GuideCost, EngagementPlan, EngagementTouch, Interaction,
]  # fmt: skip


def demo_account_names() -> list[str]:
    return [spec.name for spec in ACCOUNTS]


def demo_data_exists() -> bool:
    return Account.objects.filter(name__in=demo_account_names()).exists()


@contextmanager
def timestamps_as_given(model_list: list[type[models.Model]]) -> Iterator[None]:
    """Let a data load write historical created_at/changed_at values (auto_now* switched off)."""
    saved: list[tuple[Any, bool, bool]] = []
    for model in model_list:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                saved.append((field, field.auto_now, field.auto_now_add))  # type: ignore[attr-defined]
                field.auto_now = field.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


@transaction.atomic
def demo_data_reset() -> int:
    """Delete the demo accounts and everything hanging off them; users and teams stay."""
    demo = Account.objects.filter(name__in=demo_account_names())
    ids = list(demo.values_list("pk", flat=True))
    Account.objects.filter(parent_id__in=ids).update(parent=None)
    count = len(ids)
    demo_leads_reset(ids)
    demo_billing_reset(ids)
    demo_contracts_reset(ids)
    # Opportunities protect their accounts from accidental deletion; the demo's go first.
    Opportunity.objects.filter(account_id__in=ids).delete()
    Account.objects.filter(pk__in=ids).delete()
    return count


class _Builder(AccountsBuilder, PeopleBuilder, InteractionsBuilder, DealsBuilder):
    """All phases of the demo load over one shared state."""


def demo_data_load(
    *, seed: int = 2026, today: date | None = None, reset: bool = False, out: Writer = print
) -> bool:
    """Load the demo company. Returns False (and writes nothing) if it is already there."""
    org = demo_org_create()
    demo_products_create()
    if reset:
        out(f"已删除 {demo_data_reset()} 个演示客户。")
    elif demo_data_exists():
        out("演示数据已存在，未做修改（使用 --reset 重新生成）。")
        return False
    started = timezone.now()
    builder = _Builder(seed=seed, today=today or timezone.localdate(), users=org)
    with timestamps_as_given(TIMESTAMP_MODELS):
        with transaction.atomic():
            builder.build_accounts()
            builder.build_history()
        with transaction.atomic():
            builder.build_contacts()
            builder.build_contact_details()
        with transaction.atomic():
            interactions = builder.build_interactions()
    deals = builder.build_deals()
    leads = demo_leads_build(users=org, today=builder.today)
    account_ids = [a.pk for a in builder.accounts.values()]
    demo_contracts_build(account_ids=account_ids, today=builder.today)
    demo_billing_build(account_ids=account_ids, today=builder.today)
    demo_scorecards_build(users=org, today=builder.today, seed=seed)
    pools = demo_pools_build(account_ids=account_ids)
    build_reviews(users=org, today=builder.today, seed=seed, out=out)
    demo_checklists_build(account_ids=account_ids, today=builder.today)
    demo_delivery_build(account_ids=account_ids, today=builder.today)
    demo_tasks_build(users=builder.users, today=builder.today)
    demo_intents_build(seed=seed, today=builder.today)
    # The demo's history is not news: its notifications wait in the inboxes but are not mailed
    # (the queued mail jobs find them already handled and send nothing).
    Notification.objects.filter(created_at__gte=started, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    people = sum(len(p) for p in builder.contacts.values())
    out(f"客户 {len(builder.accounts)}，关键人 {people}，拜访记录 {interactions}，商机 {deals}。")
    out(f"线索 {leads}，公海客户 {pools['pool']}，保护期已过 {pools['lapsed']}。")
    search_rebuild()
    seconds = (timezone.now() - started).total_seconds()
    out(f"搜索索引已重建。用时 {seconds:.1f} 秒。")
    return True
