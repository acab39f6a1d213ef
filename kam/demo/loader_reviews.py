"""Demo phase: a month of daily review sheets (理单表) and coaching notes for the demo reps.

Sheets are built by the real generator (so their items are the reps' real deals and leads);
the reps' notes, the filing times and the managers' comments are then written in bulk, with a
few days left unfiled the way a real team's month looks.
"""

import random
from datetime import date, datetime, time, timedelta

from kam.accounts.models import Account
from kam.demo.loader_base import LOCAL, TEAM_REPS, Writer
from kam.reviews.enums import CoachingKind
from kam.reviews.models import CoachingNote, ReviewComment, ReviewItem, ReviewSheet
from kam.reviews.services.generation import review_sheet_generate
from kam.users.models import User
from kam.workcalendar.services import is_working_day

DAYS_BACK = 30
MISSING_RATE = 0.1
NOTES = [
    "客户信息科本周内部评审方案，预计周五出结论。",
    "已与采购部确认预算在年度计划内，等待分管领导签字。",
    "竞争对手报价比我们低约 8%，需要方案经理一起准备差异化说明。",
    "客户提出要做 POC，测试环境下周可以准备好。",
    "关键人张主任出差，决策推迟到下月初。",
    "招标文件已挂网，技术参数基本对标我方产品。",
    "客户对交付周期有顾虑，约了交付经理一起上门沟通。",
    "今天电话沟通，客户希望分两期实施，一期先上核心模块。",
    "财务处对付款方式有意见，需要商务条款上再让一步。",
    "客户内部组织架构调整，原对接人转岗，需要重新建立关系。",
]
NEXT_STEPS = [
    "周三前提交修订版方案",
    "约分管副院长做高层拜访",
    "安排方案经理做技术交流",
    "准备 POC 测试用例并发给客户确认",
    "跟进采购流程，确认挂网时间",
    "整理竞品对比材料",
    "邀请客户参观样板点",
]
SUMMARIES = [
    "今天重点推进了两个 A 类项目，整体进度正常。",
    "上午拜访客户，下午准备投标文件，明天继续跟进商务条款。",
    "一个项目推迟，其余按计划推进；需要经理协调方案资源。",
    "新增一条线索，已完成首次电话沟通。",
]
COMMENTS = [
    "决策链还不清楚，下次拜访把分管领导的态度摸清楚。",
    "这个项目金额大，报价前先过一下毛利。",
    "节奏可以，注意别被对手抢了先机。",
    "POC 要提前和交付确认资源，别临时抓人。",
    "客户的预算来源要落实，避免年底项目冻结。",
]
SHEET_COMMENTS = ["今天整体不错，继续保持。", "明天理单会重点讲一下 A 类项目。"]
OBSERVATIONS = [
    "开场寒暄过长，客户两次看表；需求挖掘只问了现状，没有追问问题带来的影响。",
    "录音中对客户提出的价格异议回应较急，直接让步了 5%，没有先确认价值。",
    "演示环节准备充分，能结合客户业务场景讲解，客户反馈积极。",
    "电话沟通中没有确认下一步和时间点，结束得比较仓促。",
]
IMPROVEMENTS = [
    "用 SPIN 的影响类问题放大痛点，再引出方案。",
    "遇到价格异议先复述客户关注点，再讲价值，最后才谈条件。",
    "每次沟通结束前确认下一步、负责人和时间。",
]
FOLLOW_UPS = [
    "下次拜访前提交 SPIN 提问清单给经理过目",
    "一周内完成两次价格异议演练",
    "把本月所有拜访记录的下一步补全",
]


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL)


def build_reviews(*, users: dict[str, User], today: date, seed: int, out: Writer = print) -> int:
    """A month of sheets for every demo rep (working days, today excluded) and coaching notes.
    Returns the number of sheets."""
    rng = random.Random(seed)  # noqa: S311 - demo data is pseudo-random on purpose
    days = [
        today - timedelta(days=n)
        for n in range(DAYS_BACK, 0, -1)
        if is_working_day(today - timedelta(days=n))
    ]
    sheets = 0
    comments: list[tuple[ReviewComment, datetime]] = []
    for team, rep_keys in TEAM_REPS.items():
        manager = users[f"manager{team[-1]}"]
        for key in rep_keys:
            rep = users[key]
            for day in days:
                sheet = review_sheet_generate(rep=rep, day=day)
                sheets += 1
                filed = rng.random() > MISSING_RATE
                items = list(sheet.items.all())
                for item in items:
                    if filed and rng.random() < 0.6:
                        item.rep_note = rng.choice(NOTES)
                        item.next_step = rng.choice(NEXT_STEPS)
                ReviewItem.objects.bulk_update(items, ["rep_note", "next_step"])
                ReviewSheet.objects.filter(pk=sheet.pk).update(
                    generated_at=_at(day, 9, 0),
                    filed_at=_at(day, 19, rng.randint(0, 50)) if filed else None,
                    rep_summary=rng.choice(SUMMARIES) if filed else "",
                )
                if filed and items and rng.random() < 0.5:
                    item = rng.choice(items)
                    body = rng.choice(COMMENTS)
                    comments.append(
                        (
                            ReviewComment(sheet=sheet, item=item, author=manager, body=body),
                            _at(day, 20, 30),
                        )
                    )
                if filed and rng.random() < 0.2:
                    body = rng.choice(SHEET_COMMENTS)
                    comments.append(
                        (ReviewComment(sheet=sheet, author=manager, body=body), _at(day, 20, 45))
                    )
    ReviewComment.objects.bulk_create([comment for comment, _when in comments])
    # auto_now_add stamped the load time; the comments belong to their meeting nights.
    for comment, when in comments:
        ReviewComment.objects.filter(pk=comment.pk).update(created_at=when)
    notes = _coaching(users, today, rng)
    out(f"理单表 {sheets}，点评 {len(comments)}，辅导记录 {notes}。")
    return sheets


def _coaching(users: dict[str, User], today: date, rng: random.Random) -> int:
    rows = []
    for team, rep_keys in TEAM_REPS.items():
        manager = users[f"manager{team[-1]}"]
        for key in rep_keys:
            rep = users[key]
            account = Account.objects.filter(owner=rep).order_by("pk").first()
            for n, days_ago in enumerate((25, 12, 4)):
                happened = today - timedelta(days=days_ago)
                due = happened + timedelta(days=7)
                done = due < today and n != 1
                rows.append(
                    CoachingNote(
                        rep=rep,
                        coach=manager,
                        kind=CoachingKind.ACCOMPANIED_VISIT
                        if n % 2 == 0
                        else CoachingKind.RECORDING_ANALYSIS,
                        account=account if n % 2 == 0 else None,
                        happened_on=happened,
                        observations=rng.choice(OBSERVATIONS),
                        strengths="客户关系维护到位，资料准备充分。",
                        improvements=rng.choice(IMPROVEMENTS),
                        follow_up_action=rng.choice(FOLLOW_UPS),
                        follow_up_due=due,
                        follow_up_done_at=_at(due - timedelta(days=1), 17, 0) if done else None,
                        follow_up_result="已完成，经理抽查通过。" if done else "",
                    )
                )
    CoachingNote.objects.bulk_create(rows)
    return len(rows)
