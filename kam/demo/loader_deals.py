"""Demo phase: the pipeline. Every deal is walked through the real services — gates, approvals,
quotes, bids — so the demo shows what a team's data really looks like: deals in every stage,
approvals waiting and decided, a few recorded gate violations."""

from collections.abc import Callable
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from kam.accounts.models import Account
from kam.accounts.services import account_core_change_request
from kam.approvals.enums import ApprovalStatus
from kam.approvals.models import Approval
from kam.approvals.services import approval_approve, approval_reject
from kam.assessments.services import (
    action_item_create,
    assessment_save,
    deal_contacts_add_key_people,
)
from kam.bids.services import (
    bid_create,
    bid_mark_submitted,
    bid_record_result,
    bid_submit_for_approval,
)
from kam.contacts.models import Contact
from kam.demo.loader_base import LOCAL, BuilderBase
from kam.forecasts.services import forecast_snapshot_take
from kam.opportunities.deal_approvals import deal_approval_request
from kam.opportunities.enums import MoveChannel, TeamRole
from kam.opportunities.initiation import (
    initiation_initial,
    initiation_report_save,
    initiation_submit,
)
from kam.opportunities.models import Opportunity, SalesProcess, Stage, StageMove
from kam.opportunities.services.moves import opportunity_move
from kam.opportunities.services.opportunities import (
    competitor_add,
    opportunity_attest,
    opportunity_create,
    opportunity_lines_replace,
    opportunity_team_add,
    opportunity_update,
)
from kam.presales.services import (
    hours_log_create,
    hours_submit,
    presales_dispatch,
    presales_request_create,
)
from kam.products.models import Product
from kam.quotes.services import (
    quote_accept,
    quote_review_record,
    quote_send,
    quote_submit,
    quote_version_create,
)
from kam.users.models import User

OPEN_CODES = ["qualify", "initiate", "analyse", "present", "bid", "negotiate"]
# Where the demo deals end up: a believable funnel, wider at the top.
TARGETS = (
    ["qualify"] * 5 + ["initiate"] * 4 + ["analyse"] * 5 + ["present"] * 4 + ["bid"] * 3
    + ["negotiate"] * 3 + ["won"] * 6 + ["lost"] * 4
)  # fmt: skip
DEAL_NAMES = [
    "{name}数据中心扩容", "{name}智慧园区一期", "{name}私有云平台", "{name}网络安全加固",
    "{name}生产线数字化改造", "{name}视频会议系统升级", "{name}灾备中心建设", "{name}智能运维平台",
]  # fmt: skip
COMPETITORS = [
    ("华为", "品牌强，产品线全", "价格高，定制响应慢", "与信息中心长期合作"),
    ("新华三", "渠道覆盖广，性价比高", "本地服务团队薄弱", "去年中标过网络改造"),
    ("浪潮", "服务器价格有优势", "软件与服务能力一般", "与采购部关系较好"),
]
LOSS_REASONS = ["price", "competitor", "budget", "relationship"]


class DealsBuilder(BuilderBase):
    """The pipeline phase; needs accounts and key people built first."""

    def build_deals(self) -> int:
        self.solution: User = self.users["solution"]
        self.delivery: User = self.users["delivery"]
        self.admin: User = self.users["admin"]
        self.products = list(Product.objects.filter(active=True).order_by("code"))
        process = SalesProcess.objects.get(code="kam-default")
        self.stages = {s.code: s for s in Stage.objects.filter(process=process)}
        accounts = [
            a
            for a in Account.objects.filter(owner__isnull=False).select_related("owner")
            if a.grade in {"A", "B", "C"}
        ]
        accounts.sort(key=lambda a: (a.grade, a.pk))
        count = 0
        for index, target in enumerate(TARGETS):
            account = accounts[index % len(accounts)]
            with transaction.atomic():
                self._deal(account, target, index)
            count += 1
        with transaction.atomic():
            self._pending_examples(accounts)
            self._decided_examples(accounts)
            self._violations(accounts)
        self._spread_history()
        for weeks_back in range(8, -1, -1):
            forecast_snapshot_take(as_of=self.today - timedelta(weeks=weeks_back))
        return count

    # ---- one deal
    def _deal(self, account: Account, target: str, index: int) -> Opportunity:
        owner = account.owner
        assert owner is not None  # noqa: S101 - filtered above
        sign = self.today + timedelta(days=self.rng.randint(20, 200))
        opportunity = opportunity_create(
            account=account,
            actor=owner,
            data={
                "name": DEAL_NAMES[index % len(DEAL_NAMES)].format(name=account.name[:8]),
                "expected_sign_date": sign,
                "intent_class": self.rng.choice("ABC"),
                "project_class": self.rng.choice("ABCD"),
                "customer_lead": self._person(account).name,
                "description": "客户计划在本年度完成建设，预算已列入年度投资计划。",
            },
            lines=self._lines(index),
        )
        for name, strengths, weaknesses, relationship in self.rng.sample(COMPETITORS, 2):
            competitor_add(
                opportunity=opportunity, actor=owner,
                data={"name": name, "strengths": strengths, "weaknesses": weaknesses,
                      "relationship": relationship},
            )  # fmt: skip
        reach = OPEN_CODES.index(target) if target in OPEN_CODES else len(OPEN_CODES) - 1
        if target == "lost":
            reach = self.rng.randint(0, 3)
        steps: list[Callable[[Opportunity, User], None]] = [
            self._to_initiate, self._to_analyse, self._to_present, self._to_bid,
            self._to_negotiate,
        ]  # fmt: skip
        for step in steps[:reach]:
            step(opportunity, owner)
            opportunity.refresh_from_db()
        category = {"negotiate": "commit", "bid": "best_case"}.get(target)
        if category:
            opportunity_update(
                opportunity=opportunity, actor=owner, version=opportunity.version,
                changes={"forecast_category": category},
            )  # fmt: skip
        if target == "won":
            self._win(opportunity, owner)
        elif target == "lost":
            self._move(opportunity, owner, "lost", close_reason=self.rng.choice(LOSS_REASONS),
                       close_note="客户最终选择了报价更低的方案。")  # fmt: skip
        return opportunity

    def _lines(self, index: int) -> list[dict[str, Any]]:
        picked = self.rng.sample(self.products, self.rng.randint(1, 3))
        return [
            {
                "product": product.pk,
                "quantity": str(self.rng.choice([1, 2, 4, 10, 20])),
                "discount_rate": str(self.rng.choice([0, 5, 8, 10, 12])),
            }
            for product in picked
        ]

    def _person(self, account: Account) -> Contact:
        people = Contact.objects.filter(account=account).order_by("pk")
        return people.filter(decision_role="decision_maker").first() or people.first()  # type: ignore[return-value]

    def _move(self, opportunity: Opportunity, actor: User, code: str, **extra: Any) -> None:
        opportunity.refresh_from_db()
        opportunity_move(
            opportunity=opportunity, to_stage=self.stages[code], actor=actor,
            version=opportunity.version, channel=self.rng.choice(
                [MoveChannel.FORM, MoveChannel.KANBAN]
            ), **extra,
        )  # fmt: skip

    def _approve_all(self, approval: Approval) -> None:
        while True:
            approval.refresh_from_db()
            if approval.status != ApprovalStatus.PENDING:
                return
            step = approval.steps.filter(status="pending").select_related("approver").first()
            assert step is not None  # noqa: S101 - a pending approval has a pending step
            approval_approve(
                approval=approval, actor=step.approver, version=approval.version,
                comment=self.rng.choice(["同意。", "同意，注意控制成本。", "可以推进。"]),
            )  # fmt: skip

    # ---- the gates, met the way a team meets them
    def _to_initiate(self, opportunity: Opportunity, owner: User) -> None:
        report = initiation_report_save(
            opportunity=opportunity, actor=owner, version=0,
            data={**initiation_initial(opportunity), "gross_margin_rate": Decimal("28.50"),
                  "expense_budget": Decimal("30000.00")},
        )  # fmt: skip
        self._approve_all(initiation_submit(report=report, actor=owner, version=report.version))

    def _to_analyse(self, opportunity: Opportunity, owner: User) -> None:
        opportunity_team_add(
            opportunity=opportunity, actor=owner, user=self.solution, role=TeamRole.SOLUTION_MANAGER
        )
        opportunity_team_add(
            opportunity=opportunity, actor=owner, user=self.delivery, role=TeamRole.DELIVERY_MANAGER
        )
        self._ensure_people(opportunity.account, guide_level=1)
        self._move(opportunity, owner, "analyse")

    def _to_present(self, opportunity: Opportunity, owner: User) -> None:
        deal_contacts_add_key_people(opportunity=opportunity, actor=owner)
        assessment_save(
            opportunity=opportunity, actor=owner, version=0,
            data={"real_score": 5, "compete_score": 4, "win_score": self.rng.randint(3, 5),
                  "worth_score": 4, "competitive_strategy": "以本地化服务和交付案例取胜。"},
        )  # fmt: skip
        action_item_create(
            opportunity=opportunity, actor=owner,
            data={"title": "邀请客户信息中心主任参观样板点", "owner": owner,
                  "due_date": self.today + timedelta(days=self.rng.randint(-5, 20))},
        )  # fmt: skip
        self._move(opportunity, owner, "present")

    def _to_bid(self, opportunity: Opportunity, owner: User) -> None:
        quote = quote_version_create(opportunity=opportunity, actor=owner, data={})
        quote = quote_submit(quote=quote, actor=owner, version=quote.version)
        quote_review_record(
            quote=quote, actor=self.delivery,
            data={"scope_ok": True, "price_ok": True, "workload_days": "45",
                  "comment": "范围清晰，工作量可控。"},
        )  # fmt: skip
        quote.refresh_from_db()
        quote_send(quote=quote, actor=owner, version=quote.version)
        self._ensure_people(opportunity.account, guide_level=2)
        self._move(opportunity, owner, "bid")

    def _to_negotiate(self, opportunity: Opportunity, owner: User) -> None:
        bid = bid_create(
            opportunity=opportunity, actor=owner,
            data={"tender_name": f"{opportunity.name}招标",
                  "tender_number": f"ZB-{opportunity.pk:05d}",
                  "deadline": datetime.combine(self.today + timedelta(days=10), time(9, 30), LOCAL),
                  "bond": "50000", "bid_amount": str(opportunity.amount)},
        )  # fmt: skip
        bid = bid_submit_for_approval(bid=bid, actor=owner, version=bid.version)
        approval = Approval.objects.filter(type_code="bid", opportunity=opportunity).latest("pk")
        self._approve_all(approval)
        bid.refresh_from_db()
        bid = bid_mark_submitted(bid=bid, actor=owner, version=bid.version, submitted_on=self.today)
        bid_record_result(bid=bid, actor=owner, version=bid.version, status="won",
                          note="综合评分第一。")  # fmt: skip
        self._move(opportunity, owner, "negotiate")

    def _win(self, opportunity: Opportunity, owner: User) -> None:
        for attestation in self.stages["negotiate"].attestations.all():
            opportunity_attest(opportunity=opportunity, attestation=attestation, actor=owner)
        from kam.quotes.models import QuoteVersion

        quote = QuoteVersion.objects.filter(opportunity=opportunity, status="sent").latest("pk")
        quote_accept(quote=quote, actor=owner, version=quote.version)
        self._move(opportunity, owner, "won", close_reason="solution",
                   close_note="方案与本地服务获得客户认可。")  # fmt: skip

    def _ensure_people(self, account: Account, *, guide_level: int) -> None:
        """Demo accounts may lack a mapped decision maker or a guide of the needed level; the
        demo's key people are generated, so it fills the gap the way a rep's visits would."""
        people = Contact.objects.filter(account=account).exclude(status="left").order_by("pk")
        if not people.filter(decision_role="decision_maker").exists():
            people.filter(pk=people.first().pk).update(decision_role="decision_maker")  # type: ignore[union-attr]
        if not people.filter(guide_level__gte=guide_level).exists():
            people.filter(pk=people.last().pk).update(guide_level=guide_level)  # type: ignore[union-attr]

    # ---- approvals waiting, a pre-sales request, violations
    def _pending_examples(self, accounts: list[Account]) -> None:
        waiting = list(Opportunity.objects.filter(stage__code="qualify").order_by("pk")[:2])
        for opportunity in waiting:
            report = initiation_report_save(
                opportunity=opportunity, actor=opportunity.owner, version=0,
                data=initiation_initial(opportunity),
            )  # fmt: skip
            initiation_submit(report=report, actor=opportunity.owner, version=report.version)
        analysing = Opportunity.objects.filter(stage__code__in=["analyse", "present"]).order_by(
            "pk"
        )
        for position, opportunity in enumerate(analysing[:3]):
            request = presales_request_create(
                opportunity=opportunity, actor=opportunity.owner, submit=True,
                data={"kind": "solution", "description": "需要方案经理现场调研并编写技术方案。",
                      "needed_from": self.today, "needed_to": self.today + timedelta(days=14),
                      "estimated_hours": "24"},
            )  # fmt: skip
            if position == 0:
                continue  # left waiting for the manager
            approval = Approval.objects.filter(opportunity=opportunity).latest("pk")
            self._approve_all(approval)
            request.refresh_from_db()
            (assignment,) = presales_dispatch(
                request=request, actor=self.users["director"], version=request.version,
                users=[self.solution],
            )  # fmt: skip
            for back in (3, 2, 1):
                hours_log_create(
                    assignment=assignment, actor=self.solution,
                    day=self.today - timedelta(days=back), hours=Decimal("6.5"),
                    description="客户现场调研与方案编写",
                )  # fmt: skip
            self._approve_all(hours_submit(assignment=assignment, actor=self.solution))
        # A deep discount: the quote waits for the discount approval.
        deal = Opportunity.objects.filter(stage__code="present").order_by("-pk").first()
        if deal is not None:
            lines = [
                {"product": line.product_id, "quantity": str(line.quantity), "discount_rate": "25"}
                for line in deal.lines.all()
            ]
            deal = opportunity_lines_replace(
                opportunity=deal, actor=deal.owner, version=deal.version, lines=lines
            )
            quote = quote_version_create(opportunity=deal, actor=deal.owner, data={})
            quote_submit(quote=quote, actor=deal.owner, version=quote.version)

    def _decided_examples(self, accounts: list[Account]) -> None:
        """A rejected request and a customer core-information change waiting for approval."""
        deal = Opportunity.objects.filter(stage__code="initiate").order_by("pk").first()
        if deal is not None:
            request = presales_request_create(
                opportunity=deal, actor=deal.owner, submit=True,
                data={"kind": "poc", "description": "客户要求在其机房做两周性能测试。",
                      "needed_from": self.today, "needed_to": self.today + timedelta(days=14),
                      "estimated_hours": "80"},
            )  # fmt: skip
            approval = Approval.objects.filter(opportunity=deal).latest("pk")
            step = approval.steps.get(status="pending")
            approval_reject(
                approval=approval, actor=step.approver, version=approval.version,
                comment="立项刚通过，先做方案交流，测试资源下月再排。",
            )  # fmt: skip
            request.refresh_from_db()
        upgrade = Opportunity.objects.filter(stage__code="present").order_by("pk").first()
        if upgrade is not None:
            deal_approval_request(
                opportunity=upgrade, actor=upgrade.owner, type_code="upgrade",
                content="客户追加二期预算，项目规模翻倍。", changes={"project_class": "A"},
            )  # fmt: skip
            self._approve_all(
                deal_approval_request(
                    opportunity=upgrade,
                    actor=upgrade.owner,
                    type_code="guidance_plan",
                    content="三次技术交流：总体架构、POC 方案、运维体系。",
                )
            )
        account = accounts[0]
        account_core_change_request(
            account=account, actor=account.owner, reason="客户完成更名，已取得新营业执照。",  # type: ignore[arg-type]
            changes={"name": f"{account.name}（新）"},
        )  # fmt: skip

    def _violations(self, accounts: list[Account]) -> None:
        for opportunity in Opportunity.objects.filter(stage__code="qualify").order_by("-pk")[:2]:
            opportunity_move(
                opportunity=opportunity, to_stage=self.stages["analyse"], actor=self.admin,
                version=opportunity.version, bypass_reason="总经理口头同意先行投入，立项材料后补。",
            )  # fmt: skip

    def _spread_history(self) -> None:
        """Services stamp everything 'now'; spread each deal's moves over the past months so
        velocity and funnel reports have something to show."""
        for opportunity in Opportunity.objects.order_by("pk"):
            moves = list(StageMove.objects.filter(opportunity=opportunity).order_by("pk"))
            start = self.now - timedelta(days=self.rng.randint(60, 240))
            gap = (self.now - start) / (len(moves) + 1)
            moments = [
                self.moment(start + gap * i, start + gap * (i + 1)) for i in range(len(moves))
            ]
            for move, moment in zip(moves, moments, strict=True):
                StageMove.objects.filter(pk=move.pk).update(moved_at=moment)
            Opportunity.objects.filter(pk=opportunity.pk).update(
                created_at=moments[0],
                stage_entered_at=moments[-1],
                closed_at=moments[-1] if opportunity.closed_at else None,
            )
