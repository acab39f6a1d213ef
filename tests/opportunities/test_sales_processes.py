"""Sales processes and stages (R-OPP-2): shipped templates, invariants, reorder, pages, API."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kam.audit.models import FieldChange
from kam.opportunities.enums import StageKind
from kam.opportunities.models import SalesProcess, Stage
from kam.opportunities.selectors import process_stages, sales_process_default, sales_process_get
from kam.opportunities.services.processes import (
    sales_process_create,
    sales_process_set_default,
    sales_process_update,
    stage_create,
    stage_deactivate,
    stage_move,
    stage_update,
    stages_reorder,
)
from kam.users.services import api_token_create
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def codes(process: SalesProcess) -> list[str]:
    return list(process.stages.order_by("order").values_list("code", flat=True))


def kam_default() -> SalesProcess:
    return SalesProcess.objects.get(code="kam-default")


# ---- shipped templates ---------------------------------------------------------------------


def test_shipped_templates_exist_after_migrate_with_ordered_stages():
    default = kam_default()
    assert default.is_default and default.name_zh == "默认销售流程"
    stages = process_stages(default)
    assert [(s.name_zh, s.name_en, s.default_probability, s.kind) for s in stages] == [
        ("验证商机", "Qualify", 10, "open"),
        ("商机立项", "Initiate", 20, "open"),
        ("需求分析", "Analyse needs", 35, "open"),
        ("价值呈现", "Present value", 50, "open"),
        ("组织投标", "Bid", 70, "open"),
        ("谈判签约", "Negotiate & sign", 90, "open"),
        ("赢单", "Won", 100, "won"),
        ("输单", "Lost", 0, "lost"),
    ]
    assert [s.order for s in stages] == list(range(1, 9))
    assert stages[0].key_milestone_zh == "准确的项目信息"
    assert stages[5].key_milestone_zh == "合同审批和合同签订"

    six = SalesProcess.objects.get(code="six-stage")
    assert not six.is_default and six.name_en == "Six-stage account sales process"
    assert [
        (s.name_zh, s.default_probability, s.kind, s.key_milestone_zh) for s in process_stages(six)
    ] == [
        ("客户开发", 10, "open", "准确的项目信息"),
        ("立项", 25, "open", "售前立项"),
        ("提案", 45, "open", "有效的客户关系推进"),
        ("招投标", 65, "open", "投标或议标"),
        ("商务谈判", 85, "open", "合同审批和合同签订"),
        ("工程实施", 95, "open", "工程验收和项目结项"),
        ("赢单", 100, "won", ""),
        ("输单", 0, "lost", ""),
    ]
    assert SalesProcess.objects.filter(is_default=True).count() == 1
    assert sales_process_default() == default


def test_database_refuses_second_default_and_bad_probability():
    six = SalesProcess.objects.get(code="six-stage")
    with pytest.raises(IntegrityError), transaction.atomic():
        SalesProcess.objects.filter(pk=six.pk).update(is_default=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stage.objects.filter(process=six, code="develop").update(default_probability=101)


def test_display_name_follows_active_language():
    stage = Stage.objects.get(process=kam_default(), code="qualify")
    with translation.override("en"):
        assert stage.display_name == "Qualify"
        assert kam_default().display_name == "Default sales process"
    with translation.override("zh-hans"):
        assert stage.display_name == "验证商机"


# ---- set default -----------------------------------------------------------------------------


def test_set_default_switches_the_one_default_and_audits(admin_user):
    six = SalesProcess.objects.get(code="six-stage")
    sales_process_set_default(process=six, actor=admin_user)
    assert list(SalesProcess.objects.filter(is_default=True)) == [six]
    assert not kam_default().is_default
    assert FieldChange.objects.filter(object_id=six.pk, field="is_default").exists()
    assert FieldChange.objects.filter(object_id=kam_default().pk, field="is_default").exists()


def test_set_default_refused_for_rep_and_inactive_process(rep, gm):
    six = SalesProcess.objects.get(code="six-stage")
    with pytest.raises(PermissionDenied):
        sales_process_set_default(process=six, actor=rep)
    six = sales_process_update(process=six, version=six.version, data={"active": False}, actor=gm)
    with pytest.raises(ValidationError) as error:
        sales_process_set_default(process=six, actor=gm)
    assert "is_default" in error.value.message_dict
    assert kam_default().is_default


# ---- reorder ---------------------------------------------------------------------------------


def test_reorder_applies_order_and_keeps_won_lost_last(gm):
    process = kam_default()
    ids = dict(process.stages.values_list("code", "pk"))
    wanted = ["won", "bid", "qualify", "lost", "initiate", "analyse", "present", "negotiate"]
    stages_reorder(process=process, stage_ids=[ids[c] for c in wanted], actor=gm)
    assert codes(process) == [
        "bid", "qualify", "initiate", "analyse", "present", "negotiate", "won", "lost",
    ]  # fmt: skip
    assert list(process.stages.order_by("order").values_list("order", flat=True)) == list(
        range(1, 9)
    )
    assert FieldChange.objects.filter(object_id=ids["bid"], field="order").exists()


@pytest.mark.parametrize("bad", ["missing", "foreign", "duplicate"])
def test_reorder_refuses_incomplete_or_foreign_ids(gm, bad):
    process = kam_default()
    before = codes(process)
    ids = list(process.stages.order_by("order").values_list("pk", flat=True))
    if bad == "missing":
        ids = ids[1:]
    elif bad == "foreign":
        ids[0] = Stage.objects.get(process__code="six-stage", code="develop").pk
    else:
        ids[1] = ids[0]
    with pytest.raises(ValidationError) as error:
        stages_reorder(process=process, stage_ids=ids, actor=gm)
    assert "stage_ids" in error.value.message_dict
    assert codes(process) == before


def test_move_up_swaps_with_neighbour_and_never_passes_closed_stages(admin_user):
    process = kam_default()
    stage_move(
        stage=Stage.objects.get(process=process, code="initiate"), direction="up", actor=admin_user
    )
    assert codes(process)[:2] == ["initiate", "qualify"]
    stage_move(
        stage=Stage.objects.get(process=process, code="negotiate"),
        direction="down",
        actor=admin_user,
    )
    assert codes(process)[-3:] == ["negotiate", "won", "lost"]


# ---- invariants --------------------------------------------------------------------------------


def test_stage_create_adds_open_stage_before_won_lost(gm):
    process = kam_default()
    stage = stage_create(
        process=process, code="poc", name_zh="概念验证", name_en="Proof of concept",
        default_probability=60, key_milestone_zh="POC 通过", actor=gm,
    )  # fmt: skip
    assert stage.kind == StageKind.OPEN and stage.order == 7
    assert codes(process)[-3:] == ["poc", "won", "lost"]
    assert FieldChange.objects.filter(object_id=stage.pk, field="name_zh").exists()


def test_stage_create_validation_writes_nothing(gm):
    process = kam_default()
    with pytest.raises(ValidationError) as error:
        stage_create(process=process, code="bid", name_zh=" ", default_probability=130, actor=gm)
    assert set(error.value.message_dict) == {"code", "name_zh", "default_probability"}
    assert process.stages.count() == 8


def test_won_lost_and_last_open_stage_cannot_be_deactivated(gm):
    process = sales_process_create(code="mini", name_zh="极简流程", actor=gm)
    assert [s.kind for s in process_stages(process)] == ["open", "won", "lost"]
    for code in ("won", "lost", "open"):
        with pytest.raises(ValidationError):
            stage_deactivate(stage=Stage.objects.get(process=process, code=code), actor=gm)
    assert process.stages.filter(active=True).count() == 3
    stage = stage_deactivate(stage=Stage.objects.get(process=kam_default(), code="bid"), actor=gm)
    assert not stage.active


def test_sales_process_create_copies_stages(admin_user):
    copy = sales_process_create(
        code="copy", name_zh="复制", copy_from=kam_default(), actor=admin_user
    )
    assert codes(copy) == codes(kam_default())
    assert not copy.is_default
    with pytest.raises(ValidationError) as error:
        sales_process_create(code="copy", name_zh="", actor=admin_user)
    assert set(error.value.message_dict) == {"code", "name_zh"}


def test_invariant_check_refuses_process_with_open_stage_after_won(gm):
    from kam.opportunities.services.processes import sales_process_check

    process = kam_default()
    Stage.objects.filter(process=process, code="won").update(order=50)
    Stage.objects.filter(process=process, code="lost").update(order=51)
    Stage.objects.filter(process=process, code="bid").update(order=60)
    with pytest.raises(ValidationError):
        sales_process_check(process)


# ---- versions, updates ---------------------------------------------------------------------------


def test_process_update_refuses_stale_version(gm, admin_user):
    process = kam_default()
    sales_process_update(
        process=process, version=process.version, data={"name_en": "KAM"}, actor=gm
    )
    with pytest.raises(ValidationError) as error:
        sales_process_update(
            process=process, version=process.version, data={"name_zh": "改名"}, actor=admin_user
        )
    assert error.value.message_dict["version"] == ["该记录已被他人修改，请刷新后重试。"]
    process.refresh_from_db()
    assert process.name_zh == "默认销售流程" and process.name_en == "KAM"
    assert FieldChange.objects.filter(
        object_id=process.pk, field="name_en", new_value="KAM"
    ).exists()


def test_default_process_cannot_be_deactivated(gm):
    process = kam_default()
    with pytest.raises(ValidationError) as error:
        sales_process_update(
            process=process, version=process.version, data={"active": False}, actor=gm
        )
    assert "active" in error.value.message_dict


def test_stage_update_changes_fields_and_audits(gm, rep):
    stage = Stage.objects.get(process=kam_default(), code="bid")
    with pytest.raises(PermissionDenied):
        stage_update(stage=stage, data={"default_probability": 75}, actor=rep)
    stage = stage_update(
        stage=stage, data={"default_probability": 75, "name_en": "Tender"}, actor=gm
    )
    stage.refresh_from_db()
    assert (stage.default_probability, stage.name_en) == (75, "Tender")
    assert FieldChange.objects.filter(object_id=stage.pk, field="default_probability").exists()


# ---- pages ----


def test_process_list_shows_funnels_in_chinese_and_english(rep):
    client = client_for(rep)
    html = client.get(reverse("opportunities:processes")).content.decode()
    assert "验证商机" in html and "准确的项目信息" in html and "六阶段客户销售流程" in html
    assert "set-default" not in html and "process-create" not in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("opportunities:processes")).content.decode()
    assert "Qualify" in html and "Default sales process" in html
    assert "Account development" in html


def test_process_detail_renders_for_rep_without_manage_forms(rep, admin_user):
    process = kam_default()
    html = client_for(rep).get(process.get_absolute_url()).content.decode()
    assert "谈判签约" in html and "data-sortable-stages" not in html and "stage-create" not in html
    html = client_for(admin_user).get(process.get_absolute_url()).content.decode()
    assert "data-sortable-stages" in html and "stage-create" in html and "Sortable.min.js" in html


def test_rep_gets_403_on_every_write(rep):
    process = kam_default()
    stage = Stage.objects.get(process=process, code="bid")
    client = client_for(rep)
    urls = [
        reverse("opportunities:process_create"),
        reverse("opportunities:process_edit", args=[process.pk]),
        reverse("opportunities:process_set_default", args=[process.pk]),
        reverse("opportunities:stage_create", args=[process.pk]),
        reverse("opportunities:stages_reorder", args=[process.pk]),
        reverse("opportunities:stage_edit", args=[process.pk, stage.pk]),
        reverse("opportunities:stage_move", args=[process.pk, stage.pk]),
        reverse("opportunities:stage_active", args=[process.pk, stage.pk]),
    ]
    for url in urls:
        assert client.post(url, {"direction": "up", "active": "0"}).status_code == 403, url
    assert codes(process)[4] == "bid" and Stage.objects.get(pk=stage.pk).active
    assert SalesProcess.objects.count() == 2


@pytest.mark.parametrize("role", ["admin_user", "gm"])
def test_manager_pages_set_default_edit_stage_and_reorder(request, role):
    user = request.getfixturevalue(role)
    client = client_for(user)
    six = SalesProcess.objects.get(code="six-stage")
    response = client.post(reverse("opportunities:process_set_default", args=[six.pk]))
    assert response.status_code == 302
    assert SalesProcess.objects.get(is_default=True) == six

    stage = Stage.objects.get(process=six, code="tender")
    prefix = f"stage-{stage.pk}"
    response = client.post(
        reverse("opportunities:stage_edit", args=[six.pk, stage.pk]),
        {f"{prefix}-name_zh": "投标", f"{prefix}-name_en": "Bid",
         f"{prefix}-default_probability": "66", f"{prefix}-key_milestone_zh": "投标"},
    )  # fmt: skip
    assert response.status_code == 302
    stage.refresh_from_db()
    assert (stage.name_zh, stage.default_probability) == ("投标", 66)

    ids = list(six.stages.order_by("-order").values_list("pk", flat=True))
    response = client.post(
        reverse("opportunities:stages_reorder", args=[six.pk]), {"stage": ids},
        HTTP_ACCEPT="application/json",
    )  # fmt: skip
    assert response.status_code == 200
    assert codes(six) == [
        "implement",
        "negotiate",
        "tender",
        "proposal",
        "initiate",
        "develop",
        "won",
        "lost",
    ]
    response = client.post(
        reverse("opportunities:stages_reorder", args=[six.pk]), {"stage": ids[:2]},
        HTTP_ACCEPT="application/json",
    )  # fmt: skip
    assert response.status_code == 422 and "stage_ids" in response.json()["errors"]


def test_stage_edit_page_shows_field_errors(gm):
    process = kam_default()
    stage = Stage.objects.get(process=process, code="bid")
    prefix = f"stage-{stage.pk}"
    response = client_for(gm).post(
        reverse("opportunities:stage_edit", args=[process.pk, stage.pk]),
        {f"{prefix}-name_zh": "", f"{prefix}-default_probability": "120"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-field="name_zh"' in html and 'data-field="default_probability"' in html
    stage.refresh_from_db()
    assert stage.name_zh == "组织投标" and stage.default_probability == 70


def test_add_stage_and_create_process_pages(admin_user):
    client = client_for(admin_user)
    process = kam_default()
    response = client.post(
        reverse("opportunities:stage_create", args=[process.pk]),
        {"new-code": "poc", "new-name_zh": "概念验证", "new-default_probability": "60"},
    )
    assert response.status_code == 302
    assert codes(process)[-3:] == ["poc", "won", "lost"]
    response = client.post(reverse("opportunities:process_create"), {"code": "", "name_zh": ""})
    assert response.status_code == 422 and 'data-field="code"' in response.content.decode()
    response = client.post(
        reverse("opportunities:process_create"),
        {"code": "proj", "name_zh": "项目型", "copy_from": process.pk},
    )
    assert response.status_code == 302
    assert codes(SalesProcess.objects.get(code="proj")) == codes(process)


def test_no_js_move_and_deactivate_buttons_work(gm):
    process = kam_default()
    client = client_for(gm)
    stage = Stage.objects.get(process=process, code="initiate")
    client.post(
        reverse("opportunities:stage_move", args=[process.pk, stage.pk]), {"direction": "up"}
    )
    assert codes(process)[:2] == ["initiate", "qualify"]
    won = Stage.objects.get(process=process, code="won")
    response = client.post(
        reverse("opportunities:stage_active", args=[process.pk, won.pk]), {"active": "0"}
    )
    assert response.status_code == 422 and 'data-testid="errors"' in response.content.decode()
    assert Stage.objects.get(pk=won.pk).active


def test_process_list_query_count_constant(
    gm, django_assert_max_num_queries, django_assert_num_queries
):
    client = client_for(gm)
    url = reverse("opportunities:processes")
    SalesProcess.objects.filter(code="six-stage").delete()
    client.get(url)  # warm sessions/caches

    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    sales_process_create(code="extra", name_zh="额外", copy_from=kam_default(), actor=gm)
    sales_process_create(code="extra2", name_zh="额外二", actor=gm)
    with CaptureQueriesContext(connection) as three:
        assert client.get(url).status_code == 200
    assert len(one) == len(three)


def test_missing_process_is_404(rep):
    assert client_for(rep).get(reverse("opportunities:process", args=[9999])).status_code == 404


# ---- API ----------------------------------------------------------------------------------------


def test_api_lists_processes_with_ordered_stages(rep):
    _token, key = api_token_create(user=rep, name="t")
    client = client_for(rep)
    data = client.get("/api/sales-processes/", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert data["next_offset"] is None
    assert [p["code"] for p in data["items"]] == ["kam-default", "six-stage"]
    first = data["items"][0]
    assert first["is_default"] is True
    assert [s["code"] for s in first["stages"]][-2:] == ["won", "lost"]
    assert first["stages"][0] == {
        "id": first["stages"][0]["id"], "code": "qualify", "name_zh": "验证商机",
        "name_en": "Qualify",
        "order": 1, "default_probability": 10, "kind": "open", "key_milestone_zh": "准确的项目信息",
        "active": True,
    }  # fmt: skip
    one = client.get(f"/api/sales-processes/{first['id']}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert one.status_code == 200 and one.json()["name_en"] == "Default sales process"
    page = client.get("/api/sales-processes/?limit=1", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert len(page["items"]) == 1 and page["next_offset"] == 1
    assert (
        client.get("/api/sales-processes/9999", HTTP_AUTHORIZATION=f"Bearer {key}").status_code
        == 404
    )
    assert client.get("/api/sales-processes/").status_code == 401


def test_api_is_read_only(rep, gm):
    _token, key = api_token_create(user=gm, name="t")
    response = client_for(gm).post(
        "/api/sales-processes/",
        {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 405
    assert sales_process_get(kam_default().pk).name_zh == "默认销售流程"
