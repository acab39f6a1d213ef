"""/api/opportunities (R-API-1): the same services, gates and visibility as the pages."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from kam.contacts.enums import DecisionRole
from kam.core.versioning import STALE_MESSAGE
from kam.opportunities.enums import MoveChannel, TeamRole
from kam.opportunities.models import (
    AttestationRecord,
    Competitor,
    Opportunity,
    OpportunityTeamMember,
    StageAttestation,
    StageMove,
)
from kam.opportunities.services.opportunities import opportunity_create
from kam.users.services import api_token_create
from tests.factories import AccountFactory, ContactFactory, OpportunityFactory

BASE = "/api/opportunities"


class Api:
    def __init__(self, user):
        _token, key = api_token_create(user=user, name="t")
        self.client = Client()
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def get(self, path, params=None):
        return self.client.get(f"{BASE}{path}", params or {}, **self.auth)

    def send(self, method, path, payload=None):
        call = getattr(self.client, method)
        return call(f"{BASE}{path}", payload or {}, content_type="application/json", **self.auth)


@pytest.fixture
def deal(rep, rep_account, gated_process, product):
    process, _stages = gated_process
    return opportunity_create(
        account=rep_account, actor=rep, process=process, data={"name": "二期扩容"},
        lines=[{"product": product.pk, "quantity": "3", "discount_rate": "10"}],
    )  # fmt: skip


def test_list_shows_visible_deals_with_money_as_strings(deal, rep, other_rep, gated_process):
    _process, stages = gated_process
    theirs = OpportunityFactory(account=AccountFactory(owner=other_rep), stage=stages["lead"])
    body = Api(rep).get("/").json()
    assert [item["id"] for item in body["items"]] == [deal.pk]
    assert body["items"][0]["amount"] == "27000.00"
    assert body["items"][0]["weighted_amount"] == "2700.00"
    assert body["next_offset"] is None
    assert [i["id"] for i in Api(other_rep).get("/").json()["items"]] == [theirs.pk]


def test_list_filters_and_pages(deal, rep, rep_account, gated_process):
    _process, stages = gated_process
    later = OpportunityFactory(account=rep_account, stage=stages["bid"], name="三期", owner=rep)
    api = Api(rep)
    assert [i["id"] for i in api.get("/", {"stage": stages["bid"].pk}).json()["items"]] == [
        later.pk
    ]
    assert [i["id"] for i in api.get("/", {"q": "二期"}).json()["items"]] == [deal.pk]
    assert api.get("/", {"owner_id": rep.pk + 999}).json()["items"] == []
    assert len(api.get("/", {"open": "true"}).json()["items"]) == 2
    assert api.get("/", {"open": "false"}).json()["items"] == []
    page = api.get("/", {"limit": 1}).json()
    assert len(page["items"]) == 1 and page["next_offset"] == 1


@pytest.mark.parametrize("count", [1, 3])
def test_list_query_count_is_constant(rep, rep_account, gated_process, count,
                                      django_assert_max_num_queries):  # fmt: skip
    _process, stages = gated_process
    for _ in range(count):
        OpportunityFactory(account=rep_account, stage=stages["lead"])
    api = Api(rep)
    with django_assert_max_num_queries(4):
        body = api.get("/").json()
    assert len(body["items"]) == count


def test_detail_has_lines_team_moves_and_gate(deal, rep):
    Competitor.objects.create(opportunity=deal, name="友商")
    body = Api(rep).get(f"/{deal.pk}").json()
    assert body["number"] == deal.number
    (line,) = body["lines"]
    assert line["quantity"] == "3.00" and line["unit_price"] == "10000.00"
    assert line["amount"] == "27000.00"
    assert [c["name"] for c in body["competitors"]] == ["友商"]
    assert [(m["user_id"], m["role"]) for m in body["team"]] == [(rep.pk, "account_manager")]
    assert [m["channel"] for m in body["stage_moves"]] == ["form"]
    assert body["gate"] == [
        {"kind": "field", "code": "expected_sign_date", "label": "预计签约日期", "stage": "线索"}
    ]


@pytest.mark.parametrize("method", ["get", "patch", "put_lines", "move", "team", "competitor"])
def test_other_team_gets_404_everywhere(deal, other_rep, gated_process, method):
    _process, stages = gated_process
    api = Api(other_rep)
    response = {
        "get": lambda: api.get(f"/{deal.pk}"),
        "patch": lambda: api.send("patch", f"/{deal.pk}", {"version": 0, "name": "x"}),
        "put_lines": lambda: api.send("put", f"/{deal.pk}/lines", {"version": 0, "lines": []}),
        "move": lambda: api.send(
            "post", f"/{deal.pk}/move", {"to_stage_id": stages["bid"].pk, "version": 0}
        ),
        "team": lambda: api.send(
            "post", f"/{deal.pk}/team", {"user_id": other_rep.pk, "role": "presales"}
        ),
        "competitor": lambda: api.send("post", f"/{deal.pk}/competitors", {"name": "x"}),
    }[method]()
    assert response.status_code == 404
    deal.refresh_from_db()
    assert deal.name == "二期扩容" and deal.version == 0
    assert not Competitor.objects.exists()


def test_create_with_lines(rep, rep_account, gated_process, product):
    process, stages = gated_process
    payload = {
        "account_id": rep_account.pk, "name": "新商机", "process_id": process.pk,
        "expected_sign_date": "2027-01-31", "intent_class": "A",
        "lines": [{"product_id": product.pk, "quantity": "2", "unit_price": "1500.25"}],
    }  # fmt: skip
    response = Api(rep).send("post", "/", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    created = Opportunity.objects.get(pk=body["id"])
    assert created.amount == Decimal("3000.50") and body["amount"] == "3000.50"
    assert created.stage == stages["lead"] and created.owner == rep
    assert created.expected_sign_date == date(2027, 1, 31)


@pytest.mark.parametrize(
    "line",
    [
        {"quantity": 2.5},
        {"quantity": "1", "unit_price": 99.9},
        {"quantity": "1", "discount_rate": 10.0},
    ],
)
def test_create_refuses_floats_and_saves_nothing(rep, rep_account, product, line):
    payload = {"account_id": rep_account.pk, "name": "x",
               "lines": [{"product_id": product.pk, **line}]}  # fmt: skip
    response = Api(rep).send("post", "/", payload)
    assert response.status_code == 422
    assert not Opportunity.objects.exists()


def test_create_on_an_invisible_account_is_refused(other_rep, rep_account):
    response = Api(other_rep).send("post", "/", {"account_id": rep_account.pk, "name": "x"})
    assert response.status_code == 422
    assert response.json()["errors"]["account_id"]
    assert not Opportunity.objects.exists()


def test_create_bad_line_names_its_row(rep, rep_account, product):
    payload = {"account_id": rep_account.pk, "name": "x",
               "lines": [{"product_id": product.pk, "quantity": "0"}]}  # fmt: skip
    response = Api(rep).send("post", "/", payload)
    assert response.status_code == 422
    assert "第 1 行" in response.json()["errors"]["lines"][0]


def test_patch_changes_fields_and_bumps_version(deal, rep):
    response = Api(rep).send(
        "patch", f"/{deal.pk}", {"version": 0, "name": "二期扩容（改）", "intent_class": "B"}
    )
    assert response.status_code == 200
    deal.refresh_from_db()
    assert deal.name == "二期扩容（改）" and deal.intent_class == "B" and deal.version == 1
    assert response.json()["version"] == 1


def test_patch_with_a_stale_version_is_409(deal, rep):
    api = Api(rep)
    assert api.send("patch", f"/{deal.pk}", {"version": 0, "name": "甲"}).status_code == 200
    response = api.send("patch", f"/{deal.pk}", {"version": 0, "name": "乙"})
    assert response.status_code == 409
    assert response.json() == {"detail": str(STALE_MESSAGE)}
    deal.refresh_from_db()
    assert deal.name == "甲"


def test_patch_bad_value_names_the_field(deal, rep):
    response = Api(rep).send("patch", f"/{deal.pk}", {"version": 0, "probability": 101})
    assert response.status_code == 422
    assert "probability" in response.json()["errors"]


def test_read_only_team_member_cannot_write(deal, solution_manager):
    OpportunityTeamMember.objects.create(
        opportunity=deal, user=solution_manager, role=TeamRole.SOLUTION_MANAGER
    )
    api = Api(solution_manager)
    assert api.get(f"/{deal.pk}").status_code == 200
    assert api.send("patch", f"/{deal.pk}", {"version": 0, "name": "x"}).status_code == 403
    # Team members contribute competitors, like on the page.
    assert api.send("post", f"/{deal.pk}/competitors", {"name": "友商"}).status_code == 201


def test_put_lines_recomputes_the_amount(deal, rep, product):
    response = Api(rep).send(
        "put", f"/{deal.pk}/lines",
        {"version": 0, "lines": [{"product_id": product.pk, "quantity": "1"},
                                 {"product_id": product.pk, "quantity": "0.5",
                                  "unit_price": "100.01"}]},
    )  # fmt: skip
    assert response.status_code == 200
    deal.refresh_from_db()
    assert deal.amount == Decimal("10050.01")  # 10000 + 0.5 × 100.01 rounded half-up
    assert response.json()["amount"] == "10050.01"
    assert deal.lines.count() == 2


def test_put_lines_refuses_float_and_keeps_lines(deal, rep, product):
    response = Api(rep).send(
        "put", f"/{deal.pk}/lines",
        {"version": 0, "lines": [{"product_id": product.pk, "quantity": 1.5}]},
    )  # fmt: skip
    assert response.status_code == 422
    deal.refresh_from_db()
    assert deal.amount == Decimal("27000.00") and deal.lines.count() == 1


def test_move_refused_with_the_missing_list(deal, rep, gated_process):
    _process, stages = gated_process
    response = Api(rep).send(
        "post", f"/{deal.pk}/move", {"to_stage_id": stages["bid"].pk, "version": 0}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    assert body["missing"] == [
        {"kind": "field", "code": "expected_sign_date", "label": "预计签约日期", "stage": "线索"},
        {"kind": "check", "code": "decision_maker_mapped", "label": "已明确决策者",
         "stage": "方案"},
    ]  # fmt: skip
    deal.refresh_from_db()
    assert deal.stage == stages["lead"]


def test_move_succeeds_with_channel_api_and_stale_is_409(deal, rep, rep_account, gated_process):
    _process, stages = gated_process
    Opportunity.objects.filter(pk=deal.pk).update(expected_sign_date=date(2027, 1, 1))
    ContactFactory(account=rep_account, decision_role=DecisionRole.DECISION_MAKER)
    api = Api(rep)
    response = api.send("post", f"/{deal.pk}/move", {"to_stage_id": stages["bid"].pk, "version": 0})
    assert response.status_code == 200
    assert (
        response.json()["channel"] == "api" and response.json()["to_stage_id"] == stages["bid"].pk
    )
    move = StageMove.objects.get(pk=response.json()["id"])
    assert move.channel == MoveChannel.API and move.actor == rep
    stale = api.send(
        "post", f"/{deal.pk}/move", {"to_stage_id": stages["negotiate"].pk, "version": 0}
    )
    assert stale.status_code == 409


def test_admin_bypass_is_listed_as_a_violation_to_those_who_see_it(
    deal, admin_user, rep, other_rep, gated_process
):
    _process, stages = gated_process
    response = Api(admin_user).send(
        "post", f"/{deal.pk}/move",
        {"to_stage_id": stages["bid"].pk, "version": 0, "bypass_reason": "客户要求加急"},
    )  # fmt: skip
    assert response.status_code == 200 and response.json()["bypassed"] is True
    items = Api(rep).get("/violations").json()["items"]
    assert [(i["opportunity_id"], i["bypass_reason"]) for i in items] == [(deal.pk, "客户要求加急")]
    assert [m["code"] for m in items[0]["missing"]] == [
        "expected_sign_date",
        "decision_maker_mapped",
    ]
    assert Api(other_rep).get("/violations").json()["items"] == []


def test_rep_cannot_bypass(deal, rep, gated_process):
    _process, stages = gated_process
    response = Api(rep).send(
        "post", f"/{deal.pk}/move",
        {"to_stage_id": stages["bid"].pk, "version": 0, "bypass_reason": "急"},
    )  # fmt: skip
    assert response.status_code == 403
    assert not StageMove.objects.filter(opportunity=deal, bypassed=True).exists()


def test_team_add_and_remove(deal, rep, solution_manager):
    api = Api(rep)
    response = api.send(
        "post", f"/{deal.pk}/team", {"user_id": solution_manager.pk, "role": "solution_manager"}
    )
    assert response.status_code == 201
    member = OpportunityTeamMember.objects.get(pk=response.json()["id"])
    assert member.user == solution_manager
    duplicate = api.send(
        "post", f"/{deal.pk}/team", {"user_id": solution_manager.pk, "role": "solution_manager"}
    )
    assert duplicate.status_code == 422 and "user_id" in duplicate.json()["errors"]
    assert api.send("delete", f"/{deal.pk}/team/{member.pk}").status_code == 204
    assert not OpportunityTeamMember.objects.filter(pk=member.pk).exists()
    owner_seat = OpportunityTeamMember.objects.get(opportunity=deal, user=rep)
    assert api.send("delete", f"/{deal.pk}/team/{owner_seat.pk}").status_code == 422


def test_competitors_add_patch_delete(deal, rep):
    api = Api(rep)
    response = api.send("post", f"/{deal.pk}/competitors", {"name": "友商", "strengths": "价格"})
    assert response.status_code == 201
    pk = response.json()["id"]
    response = api.send("patch", f"/{deal.pk}/competitors/{pk}", {"weaknesses": "服务"})
    assert response.status_code == 200
    competitor = Competitor.objects.get(pk=pk)
    assert (competitor.name, competitor.strengths, competitor.weaknesses) == (
        "友商",
        "价格",
        "服务",
    )
    assert api.send("patch", f"/{deal.pk}/competitors/{pk}", {"name": " "}).status_code == 422
    assert api.send("delete", f"/{deal.pk}/competitors/{pk}").status_code == 204
    assert not Competitor.objects.exists()


def test_attestation(deal, rep, gated_process):
    _process, stages = gated_process
    attestation = StageAttestation.objects.create(
        stage=stages["negotiate"], label_zh="条款已确认", role=TeamRole.ACCOUNT_MANAGER
    )
    api = Api(rep)
    response = api.send("post", f"/{deal.pk}/attestations/{attestation.pk}", {"note": "已确认"})
    assert response.status_code == 201
    record = AttestationRecord.objects.get(opportunity=deal)
    assert record.attested_by == rep and record.note == "已确认"
    again = api.send("post", f"/{deal.pk}/attestations/{attestation.pk}", {})
    assert again.status_code == 422


def test_api_needs_a_token(deal):
    assert Client().get(f"{BASE}/").status_code == 401


def test_moving_a_closed_deal_is_for_administrators_only(deal, rep, admin_user, gated_process):
    _process, stages = gated_process
    api = Api(rep)
    lost = {"to_stage_id": stages["lost"].pk, "version": 0, "close_reason": "budget"}
    assert api.send("post", f"/{deal.pk}/move", lost).status_code == 200
    reopen = {"to_stage_id": stages["negotiate"].pk, "version": 1}
    response = api.send("post", f"/{deal.pk}/move", reopen)
    assert response.status_code == 403
    deal.refresh_from_db()
    assert deal.stage == stages["lost"] and deal.close_reason == "budget"


def test_sales_process_endpoints_still_work(rep, gated_process):
    process, _stages = gated_process
    client, auth = Client(), Api(rep).auth
    body = client.get(f"/api/sales-processes/{process.pk}", **auth).json()
    assert [s["code"] for s in body["stages"]][:2] == ["lead", "solution"]


def test_patch_null_clears_text_fields_but_name_is_required(deal, rep):
    api = Api(rep)
    response = api.send("patch", f"/{deal.pk}", {"version": 0, "intent_class": "A"})
    assert response.status_code == 200
    response = api.send("patch", f"/{deal.pk}", {"version": 1, "intent_class": None})
    assert response.status_code == 200 and response.json()["intent_class"] == ""
    response = api.send("patch", f"/{deal.pk}", {"version": 2, "name": None})
    assert response.status_code == 422 and "name" in response.json()["errors"]
