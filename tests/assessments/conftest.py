import pytest

from kam.opportunities.models import OpportunityTeamMember, SalesProcess, Stage
from tests.factories import AccountFactory, OpportunityFactory


@pytest.fixture
def process(db):
    """线索 → 方案 → 投标 → 谈判 → won/lost, no gates (tests add what they need)."""
    process = SalesProcess.objects.create(code="assess", name_zh="评估测试流程")
    stages = {}
    for order, (code, name, kind, probability) in enumerate(
        [
            ("lead", "线索", "open", 10),
            ("solution", "方案", "open", 40),
            ("bid", "投标", "open", 70),
            ("negotiate", "谈判", "open", 90),
            ("won", "赢单", "won", 100),
            ("lost", "输单", "lost", 0),
        ],
        start=1,
    ):
        stages[code] = Stage.objects.create(
            process=process, code=code, name_zh=name, order=order, kind=kind,
            default_probability=probability,
        )  # fmt: skip
    return process, stages


@pytest.fixture
def stages(process):
    return process[1]


@pytest.fixture
def rep_account(rep):
    return AccountFactory(owner=rep, name="西安智造集团有限公司")


@pytest.fixture
def opp(rep_account, stages):
    return OpportunityFactory(
        account=rep_account, stage=stages["lead"], process=stages["lead"].process
    )


@pytest.fixture
def team_member(opp, colleague):
    """The colleague sits on the deal's team: sees it, contributes, does not edit."""
    OpportunityTeamMember.objects.create(opportunity=opp, user=colleague, role="presales")
    return colleague


@pytest.fixture(autouse=True)
def delivery_sources(monkeypatch):
    """Other apps (kam.quotes) register delivery-review sources; tests start without them."""
    from kam.assessments import risk

    sources: dict = {}
    monkeypatch.setattr(risk, "_DELIVERY_REVIEW_SOURCES", sources)
    return sources
