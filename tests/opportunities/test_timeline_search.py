"""Opportunities, stage moves, approvals and quotes appear on the account timeline and in search
(issue: "the account timeline and search include opportunities, stage moves, approvals and
quotes"), for exactly the people who see the account."""

from kam.approvals.services import approval_submit
from kam.interactions.selectors import account_timeline
from kam.opportunities.services.moves import opportunity_move
from kam.opportunities.services.opportunities import opportunity_create
from kam.quotes.services import quote_version_create
from kam.search.selectors import search_query


def test_timeline_shows_deal_moves_approvals_and_quotes(rep, rep_account, gated_process, product):
    process, stages = gated_process
    opportunity = opportunity_create(
        account=rep_account, actor=rep, process=process, data={"name": "鲲鹏云平台二期"},
        lines=[{"product": product.pk, "quantity": "2"}],
    )  # fmt: skip
    quote_version_create(opportunity=opportunity, actor=rep, data={})
    opportunity.refresh_from_db()
    opportunity_move(
        opportunity=opportunity, to_stage=stages["lost"], actor=rep,
        version=opportunity.version, close_reason="budget",
    )  # fmt: skip
    approval_submit(
        type_code="commercial_review", requester=rep, title="商务评审", account=rep_account,
        opportunity=opportunity,
    )  # fmt: skip

    items = account_timeline(account=rep_account)

    kinds = [item.kind for item in items]
    assert kinds.count("stage") == 2  # created, then lost
    assert "approval" in kinds and "quote" in kinds
    titles = " ".join(item.title for item in items)
    assert "鲲鹏云平台二期" in titles and "线索 → 输单" in titles


def test_search_finds_opportunities_only_for_those_who_see_them(
    rep, manager, other_rep, rep_account, gated_process, product
):
    process, _stages = gated_process
    opportunity_create(
        account=rep_account, actor=rep, process=process, data={"name": "鲲鹏云平台二期"}
    )

    for user, expected in ((rep, 1), (manager, 1), (other_rep, 0)):
        hits = search_query(user=user, q="鲲鹏云", kinds=["opportunity"])
        assert len(hits) == expected, user


def test_quotes_and_approvals_are_found_by_their_words(
    rep, manager, other_rep, rep_account, gated_process, product
):
    from kam.approvals.services import approval_reject

    process, _stages = gated_process
    opportunity = opportunity_create(
        account=rep_account, actor=rep, process=process, data={"name": "鲲鹏云平台二期"},
        lines=[{"product": product.pk, "quantity": "2"}],
    )  # fmt: skip
    quote_version_create(
        opportunity=opportunity, actor=rep, data={"payment_terms": "验收后分三期付款"}
    )
    approval = approval_submit(
        type_code="commercial_review", requester=rep, title="商务评审", account=rep_account,
        opportunity=opportunity,
    )  # fmt: skip
    approval_reject(
        approval=approval, actor=manager, version=approval.version, comment="毛利率偏低"
    )

    assert len(search_query(user=rep, q="分三期", kinds=["quote"])) == 1
    assert len(search_query(user=manager, q="毛利率偏低", kinds=["approval"])) == 1
    assert len(search_query(user=other_rep, q="毛利率偏低")) == 0
