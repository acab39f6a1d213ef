import pytest

from kam.opportunities.models import SalesProcess, Stage
from tests.factories import AccountFactory, ProductFactory


@pytest.fixture
def gated_process(db):
    """A small process with explicit gates: 线索 → 方案 → 投标 → 谈判 → won/lost.

    线索 needs an expected signing date; 方案 needs a decision maker mapped; 投标 has none.
    """
    process = SalesProcess.objects.create(code="gated", name_zh="测试流程")
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
    stages["lead"].required_fields = ["expected_sign_date"]
    stages["lead"].save()
    stages["solution"].required_checks = ["decision_maker_mapped"]
    stages["solution"].save()
    return process, stages


@pytest.fixture
def rep_account(rep):
    return AccountFactory(owner=rep, name="西安智造集团有限公司")


@pytest.fixture
def product(db):
    return ProductFactory()
