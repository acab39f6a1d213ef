"""NULLS LAST only where a sort column can hold NULLs, read off the model."""

from kam.accounts.models import Account
from kam.accounts.selectors import SORT_FIELDS
from kam.core.ordering import path_nullable, sort_order
from kam.opportunities.models import Opportunity
from kam.opportunities.selectors import LIST_SORTS


def test_the_list_pages_nullable_sort_columns_are_read_off_the_models():
    assert {c for c in SORT_FIELDS.values() if path_nullable(Account, c)} == {"last_activity_at"}
    nullable = {c for c in LIST_SORTS.values() if path_nullable(Opportunity, c)}
    assert nullable == {"number", "expected_sign_date"}


def test_a_nullable_relation_on_the_way_makes_the_column_nullable():
    assert path_nullable(Account, "owner__display_name")
    assert not path_nullable(Opportunity, "stage__order")


def test_nulls_last_is_spelled_only_where_it_may_matter():
    column, tiebreak = sort_order(Opportunity, "updated_at", descending=True)
    assert column.nulls_last is None and column.descending and tiebreak == "-pk"
    column, tiebreak = sort_order(Opportunity, "expected_sign_date", descending=False)
    assert column.nulls_last is True and not column.descending and tiebreak == "pk"
    column, _tiebreak = sort_order(Account, "name", descending=False, nulls_last=True)
    assert column.nulls_last is True
