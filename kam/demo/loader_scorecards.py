"""The demo's capability assessments (SPEC R-REV-5): each demo rep assessed by their manager
once a month for the last three months, so the rep card shows a radar and a history."""

import random
from datetime import date, timedelta

from django.db import transaction

from kam.demo.loader_base import TEAM_REPS
from kam.scorecards.models import SCORE_FIELDS, CapabilityAssessment
from kam.users.models import User

MONTHS_BACK = 3
NOTES = {
    "relationship": ["与信息中心主任沟通顺畅", "决策层接触不足，需要高层拜访", "关键人关系稳定"],
    "solution": ["能讲清方案价值", "技术细节依赖方案经理", "行业案例运用得好"],
    "delivery_service": ["交付问题响应及时", "交付承诺偏乐观", "客户满意度回访到位"],
    "resource_coordination": ["售前资源申请及时", "项目组分工清楚", "跨部门协调需加强"],
}


@transaction.atomic
def demo_scorecards_build(*, users: dict[str, User], today: date, seed: int) -> int:
    """Returns the number of assessments written (the demo reps' earlier ones are replaced)."""
    rng = random.Random(seed)  # noqa: S311 - demo data is pseudo-random on purpose
    rows = []
    reps = []
    for team, rep_keys in TEAM_REPS.items():
        manager = users[f"manager{team[-1]}"]
        for key in rep_keys:
            rep = users[key]
            reps.append(rep)
            base = {name: rng.randint(2, 4) for name in SCORE_FIELDS}
            for months_ago in range(MONTHS_BACK, 0, -1):
                scores = {
                    name: max(1, min(5, value + (MONTHS_BACK - months_ago) * rng.randint(0, 1)))
                    for name, value in base.items()
                }
                notes = {f"{name}_note": rng.choice(NOTES[name]) for name in SCORE_FIELDS}
                rows.append(
                    CapabilityAssessment(
                        rep=rep,
                        assessor=manager,
                        assessed_on=today - timedelta(days=30 * months_ago - 15),
                        **scores,
                        **notes,
                    )
                )
    CapabilityAssessment.objects.filter(rep__in=reps).delete()
    CapabilityAssessment.objects.bulk_create(rows)
    return len(rows)
