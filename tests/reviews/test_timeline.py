"""Review notes and comments show on the account timeline (kind "review")."""

import pytest

from kam.interactions.selectors import account_timeline
from kam.reviews.services.sheets import review_comment_add, review_item_note

pytestmark = pytest.mark.django_db


def test_notes_and_comments_on_the_account_timeline(rep, manager, rep_sheet, rep_deal):
    item = rep_sheet.items.get(opportunity=rep_deal)
    review_item_note(
        item=item, actor=rep, rep_note="客户内部评审中", next_step="周五回访", version=0
    )
    review_comment_add(sheet=rep_sheet, item=item, actor=manager, body="盯紧决策人")
    review_comment_add(sheet=rep_sheet, actor=manager, body="整体不错")
    items = [t for t in account_timeline(account=rep_deal.account) if t.kind == "review"]
    titles = sorted(t.title for t in items)
    assert titles == ["理单备注：影像云平台", "理单点评：影像云平台"]
    assert {t.label for t in items} == {"理单"}
