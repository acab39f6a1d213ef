"""Choice labels read from the per-language dict are those `get_FOO_display()` gives."""

import pytest
from django.utils import translation

from kam.accounts.enums import Industry
from kam.accounts.models import Account
from kam.core.choices import choice_label


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_labels_follow_the_active_language(language):
    with translation.override(language):
        for value, _label in Industry.choices:
            account = Account(industry=value)
            assert choice_label(Industry, value) == account.get_industry_display()


def test_a_value_that_is_no_choice_shows_itself():
    assert choice_label(Industry, "retired_industry") == "retired_industry"
    assert choice_label(Industry, None) == ""
