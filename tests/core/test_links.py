import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from kam.core.context_processors import NAVIGATION
from kam.core.links import fixed_url, keyed_url

KEYED = ["accounts:detail", "contacts:detail", "opportunities:detail", "contracts:detail"]


@pytest.mark.parametrize("viewname", KEYED)
@pytest.mark.parametrize("key", [1, 7, 1_000_000_000_007])
def test_keyed_url_is_what_reverse_gives(viewname, key):
    assert keyed_url(viewname, key) == reverse(viewname, args=[key])


def test_urls_follow_the_script_prefix():
    set_script_prefix("/kam/")
    try:
        assert keyed_url("accounts:detail", 5) == reverse("accounts:detail", args=[5])
        assert keyed_url("accounts:detail", 5).startswith("/kam/")
        assert fixed_url("accounts:list") == "/kam/accounts/"
    finally:
        set_script_prefix("/")
    assert keyed_url("accounts:detail", 5) == "/accounts/5/"


def test_fixed_url_is_what_reverse_gives_for_every_navigation_item():
    for item in NAVIGATION:
        assert fixed_url(item.url_name) == reverse(item.url_name)


def test_a_name_that_takes_no_key_is_refused():
    with pytest.raises(NoReverseMatch):
        keyed_url("accounts:list", 1)
