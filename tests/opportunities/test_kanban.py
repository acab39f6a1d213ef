"""The kanban board (R-OPP-2): visible cards only, constant queries, moves through the service."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kam.contacts.enums import DecisionRole
from kam.core.versioning import STALE_MESSAGE
from kam.opportunities import panels
from kam.opportunities.enums import MoveChannel
from kam.opportunities.models import Opportunity, StageMove
from kam.opportunities.panels import Badge, BadgeSource
from tests.conftest import client_for
from tests.factories import AccountFactory, ContactFactory, OpportunityFactory, UserFactory

BOARD = "/opportunities/board/"


def _deal(account, stage, **fields):
    return OpportunityFactory(account=account, stage=stage, **fields)


def _move_url(opportunity):
    return reverse("opportunities:board_move", args=[opportunity.pk])


@pytest.fixture
def deals(gated_process, rep, other_rep):
    _process, stages = gated_process
    mine = _deal(AccountFactory(owner=rep, name="西安客户"), stages["lead"], name="甲项目")
    theirs = _deal(AccountFactory(owner=other_rep, name="成都客户"), stages["lead"], name="乙项目")
    return mine, theirs


@pytest.mark.parametrize(
    ("persona", "sees_mine", "sees_theirs"),
    [
        ("rep", True, False),
        ("colleague", False, False),
        ("manager", True, False),
        ("other_rep", False, True),
        ("director", True, True),
        ("gm", True, True),
        ("admin_user", True, True),
    ],
)
def test_board_shows_only_visible_cards(request, deals, gated_process, persona, sees_mine,
                                        sees_theirs):  # fmt: skip
    process, _stages = gated_process
    mine, theirs = deals
    user = request.getfixturevalue(persona)
    response = client_for(user).get(BOARD, {"process": process.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert (f'data-card="{mine.pk}"' in html) is sees_mine
    assert (f'data-card="{theirs.pk}"' in html) is sees_theirs
    assert "甲项目" in html if sees_mine else "甲项目" not in html


def test_board_columns_in_order_with_counts_and_sums(rep, rep_account, gated_process):
    process, stages = gated_process
    for amount in ("100.00", "250.50"):
        _deal(rep_account, stages["lead"], amount=Decimal(amount))
    response = client_for(rep).get(BOARD, {"process": process.pk})
    columns = response.context["columns"]
    assert [c.stage.code for c in columns] == [
        "lead",
        "solution",
        "bid",
        "negotiate",
        "won",
        "lost",
    ]
    assert columns[0].count == 2 and columns[0].total == Decimal("350.50")
    assert "350.50" in response.content.decode()


def test_board_defaults_to_the_default_process(rep, rep_account):
    response = client_for(rep).get(BOARD)
    assert response.context["filters"].process.is_default


def test_board_filters_mine_owner_and_team(rep, colleague, manager, gated_process):
    process, stages = gated_process
    a = _deal(AccountFactory(owner=rep), stages["lead"])
    b = _deal(AccountFactory(owner=colleague), stages["lead"])
    client = client_for(manager)

    def ids(**params):
        response = client.get(BOARD, {"process": process.pk, **params})
        return {card.pk for column in response.context["columns"] for card in column.cards}

    assert ids() == {a.pk, b.pk}
    assert ids(owner=rep.pk) == {a.pk}
    assert ids(team=rep.team_id) == {a.pk, b.pk}
    assert ids(mine="1") == set()
    # An owner outside the caller's scope is ignored, never used to widen the view.
    assert (
        client_for(rep)
        .get(BOARD, {"process": process.pk, "owner": colleague.pk})
        .context["filters"]
        .owner
        is None
    )


def test_board_team_filter_covers_members_not_offered_as_owners(director, rep, gated_process):
    """The team's members are read with the owner choices; one who left or sits outside the
    caller's reports-to chain still counts for the team's deals on accounts the caller sees."""
    process, stages = gated_process
    left = UserFactory(team=rep.team, is_active=False)
    outsider = UserFactory(team=rep.team)
    account = AccountFactory(owner=rep)
    deals = {_deal(account, stages["lead"], owner=owner).pk for owner in (rep, left, outsider)}
    response = client_for(rep).get(BOARD, {"process": process.pk, "team": rep.team_id})
    lead = response.context["columns"][0]
    assert {card.pk for card in lead.cards} == deals and lead.count == 3
    assert [owner.pk for owner in response.context["owners"]] == [rep.pk]
    by_director = client_for(director).get(BOARD, {"process": process.pk, "team": rep.team_id})
    assert left not in by_director.context["owners"]
    assert by_director.context["columns"][0].count == 3


def test_board_hides_deals_closed_more_than_90_days_ago(rep, rep_account, gated_process):
    process, stages = gated_process
    now = timezone.now()
    recent = _deal(rep_account, stages["won"], closed_at=now - timedelta(days=10))
    old = _deal(rep_account, stages["lost"], closed_at=now - timedelta(days=91))
    client = client_for(rep)
    board = client.get(BOARD, {"process": process.pk})
    columns = {c.stage.code: c for c in board.context["columns"]}
    assert (columns["won"].count, columns["lost"].count) == (1, 0)
    assert columns["lost"].cards_url == ""  # nothing to unfold
    # Closed cards are folded away and load when the fold opens.
    assert f'data-card="{recent.pk}"' not in board.content.decode()
    assert columns["won"].cards_url in board.content.decode().replace("&amp;", "&")
    fragment = client.get(columns["won"].cards_url).content.decode()
    assert f'data-card="{recent.pk}"' in fragment
    assert f'data-card="{old.pk}"' not in fragment


@pytest.mark.parametrize(
    ("persona", "sees_mine", "sees_theirs"),
    [("rep", True, False), ("other_rep", False, True), ("director", True, True)],
)
def test_closed_cards_follow_visibility_and_filters(
    request, gated_process, rep, other_rep, persona, sees_mine, sees_theirs
):
    process, stages = gated_process
    now = timezone.now()
    mine = _deal(AccountFactory(owner=rep), stages["won"], closed_at=now, owner=rep)
    theirs = _deal(AccountFactory(owner=other_rep), stages["won"], closed_at=now, owner=other_rep)
    url = reverse("opportunities:board_closed", args=[stages["won"].pk])
    client = client_for(request.getfixturevalue(persona))
    html = client.get(url, {"process": process.pk}).content.decode()
    assert (f'data-card="{mine.pk}"' in html) is sees_mine
    assert (f'data-card="{theirs.pk}"' in html) is sees_theirs
    if persona == "director":
        only_rep = client.get(url, {"process": process.pk, "owner": rep.pk}).content.decode()
        assert f'data-card="{mine.pk}"' in only_rep and f'data-card="{theirs.pk}"' not in only_rep


def test_closed_cards_only_for_closed_stages_and_in_constant_queries(rep, gated_process):
    process, stages = gated_process
    client = client_for(rep)
    open_stage = reverse("opportunities:board_closed", args=[stages["lead"].pk])
    assert client.get(open_stage, {"process": process.pk}).status_code == 404
    url = reverse("opportunities:board_closed", args=[stages["won"].pk])
    empty = client.get(url, {"process": process.pk})
    assert "最近 90 天没有关闭的商机" in empty.content.decode()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"process": process.pk}).status_code == 200
        return len(captured)

    _deal(AccountFactory(owner=rep), stages["won"], closed_at=timezone.now())
    one = queries()
    for _ in range(5):
        _deal(AccountFactory(owner=rep), stages["won"], closed_at=timezone.now())
    assert queries() == one <= 10


def test_columns_are_capped_with_a_more_link(rep, rep_account, gated_process):
    process, stages = gated_process
    for _ in range(51):
        _deal(rep_account, stages["bid"])
    response = client_for(rep).get(BOARD, {"process": process.pk})
    column = next(c for c in response.context["columns"] if c.stage.code == "bid")
    assert column.count == 51 and len(column.cards) == 50
    assert column.more_url == f"/opportunities/?process={process.pk}&stage={stages['bid'].pk}"
    assert column.more_url.replace("&", "&amp;") in response.content.decode()


def _board_queries(client, process, **params):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(BOARD, {"process": process.pk, **params}).status_code == 200
    return len(queries)


def _flag_source(label):
    """A badge kind with a subquery of its own, as the apps' sources have."""
    return BadgeSource(
        annotations=lambda: {
            "moved": Exists(StageMove.objects.filter(opportunity_id=OuterRef("pk")))
        },
        badges=lambda values: [Badge(label)],
    )


def test_board_query_count_is_constant(rep, rep_account, gated_process, monkeypatch):
    process, stages = gated_process
    client = client_for(rep)
    # All badge sources are read in one query for the whole board, never one per card or kind.
    monkeypatch.setitem(panels._BADGE_SOURCES, "test", _flag_source("测试"))
    _deal(rep_account, stages["lead"])
    one = _board_queries(client, process)
    for stage in ("lead", "solution", "bid", "negotiate"):
        _deal(AccountFactory(owner=rep), stages[stage])
    five = _board_queries(client, process)
    monkeypatch.setitem(panels._BADGE_SOURCES, "test_more", _flag_source("更多"))
    more_kinds = _board_queries(client, process)
    assert one == five == more_kinds <= 10
    assert _board_queries(client, process, team=rep.team_id) == one
    content = client.get(BOARD, {"process": process.pk}).content.decode()
    assert "测试" in content and "更多" in content


def test_board_move_refused_lists_every_missing_item(rep, rep_account, gated_process):
    _process, stages = gated_process
    deal = _deal(rep_account, stages["lead"])
    response = client_for(rep).post(
        _move_url(deal), {"to_stage": stages["bid"].pk, "version": deal.version}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["ok"] is False
    assert body["missing"] == [
        {"kind": "field", "code": "expected_sign_date", "label": "预计签约日期", "stage": "线索"},
        {"kind": "check", "code": "decision_maker_mapped", "label": "已明确决策者",
         "stage": "方案"},
    ]  # fmt: skip
    deal.refresh_from_db()
    assert deal.stage == stages["lead"]
    assert not StageMove.objects.filter(opportunity=deal).exists()


def test_board_move_succeeds_through_the_service_with_channel_kanban(
    rep, rep_account, gated_process
):
    process, stages = gated_process
    deal = _deal(rep_account, stages["lead"], expected_sign_date=date(2027, 3, 1))
    ContactFactory(account=rep_account, decision_role=DecisionRole.DECISION_MAKER)
    response = client_for(rep).post(
        _move_url(deal) + f"?process={process.pk}",
        {"to_stage": stages["bid"].pk, "version": deal.version},
    )
    assert response.status_code == 200
    body = response.json()
    deal.refresh_from_db()
    assert deal.stage == stages["bid"] and deal.probability == 70
    assert body["opportunity"] == {"id": deal.pk, "version": deal.version,
                                   "stage_id": stages["bid"].pk}  # fmt: skip
    counts = {c["stage_id"]: c["count"] for c in body["columns"]}
    assert counts[stages["lead"].pk] == 0 and counts[stages["bid"].pk] == 1
    (move,) = StageMove.objects.filter(opportunity=deal)
    assert move.channel == MoveChannel.KANBAN and move.actor == rep and not move.bypassed


def test_board_move_stale_version_gets_the_conflict_message(rep, rep_account, gated_process):
    _process, stages = gated_process
    deal = _deal(rep_account, stages["bid"])
    Opportunity.objects.filter(pk=deal.pk).update(version=5)
    response = client_for(rep).post(
        _move_url(deal), {"to_stage": stages["negotiate"].pk, "version": 4}
    )
    assert response.status_code == 409
    assert response.json()["detail"] == str(STALE_MESSAGE)
    deal.refresh_from_db()
    assert deal.stage == stages["bid"]


def test_board_move_to_won_needs_a_close_reason(rep, rep_account, gated_process):
    _process, stages = gated_process
    deal = _deal(rep_account, stages["negotiate"])
    client = client_for(rep)
    refused = client.post(_move_url(deal), {"to_stage": stages["won"].pk, "version": 0})
    assert refused.status_code == 422
    assert "原因" in refused.json()["detail"]
    response = client.post(
        _move_url(deal),
        {"to_stage": stages["won"].pk, "version": 0, "close_reason": "price", "close_note": "低价"},
    )
    assert response.status_code == 200
    deal.refresh_from_db()
    assert deal.closed_at is not None and deal.close_reason == "price"
    assert deal.close_note == "低价"


def test_board_move_on_an_invisible_deal_is_404(other_rep, rep_account, gated_process):
    _process, stages = gated_process
    deal = _deal(rep_account, stages["bid"])
    response = client_for(other_rep).post(
        _move_url(deal), {"to_stage": stages["negotiate"].pk, "version": 0}
    )
    assert response.status_code == 404
    deal.refresh_from_db()
    assert deal.stage == stages["bid"]


def test_board_move_by_a_read_only_viewer_is_403(rep, solution_manager, rep_account,
                                                 gated_process):  # fmt: skip
    from kam.opportunities.models import OpportunityTeamMember

    _process, stages = gated_process
    deal = _deal(rep_account, stages["bid"])
    OpportunityTeamMember.objects.create(opportunity=deal, user=solution_manager, role="presales")
    response = client_for(solution_manager).post(
        _move_url(deal), {"to_stage": stages["negotiate"].pk, "version": 0}
    )
    assert response.status_code == 403
    assert response.json()["ok"] is False


def test_board_page_has_no_inline_script_or_style(rep, rep_account, gated_process):
    process, stages = gated_process
    _deal(rep_account, stages["lead"])
    html = client_for(rep).get(BOARD, {"process": process.pk}).content.decode()
    assert "<script>" not in html and "style=" not in html and " onclick" not in html
    assert "vendor/sortablejs/Sortable.min.js" in html and "kam/kanban.js" in html


def test_board_move_of_a_closed_deal_is_for_administrators_only(
    rep, admin_user, rep_account, gated_process
):
    # Reopening is the service's rule (an administrator's move); the board reports it.
    _process, stages = gated_process
    deal = _deal(rep_account, stages["lost"], closed_at=timezone.now(), close_reason="price")
    data = {"to_stage": stages["negotiate"].pk, "version": 0}
    response = client_for(rep).post(_move_url(deal), data)
    assert response.status_code == 403
    deal.refresh_from_db()
    assert deal.stage == stages["lost"]
    # An administrator reopens, through the same gates as a forward move from the start.
    refused = client_for(admin_user).post(_move_url(deal), data)
    assert refused.status_code == 422
    assert [m["code"] for m in refused.json()["missing"]] == [
        "expected_sign_date", "decision_maker_mapped",
    ]  # fmt: skip
    reopen = {"to_stage": stages["lead"].pk, "version": 0}
    assert client_for(admin_user).post(_move_url(deal), reopen).status_code == 200
    deal.refresh_from_db()
    assert deal.stage == stages["lead"] and deal.closed_at is None
