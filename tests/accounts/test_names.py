import pytest

from kam.accounts.names import account_name_normalize, name_similarity
from kam.accounts.selectors import accounts_similar_names
from kam.accounts.services import account_create
from tests.accounts.helpers import make_account


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("陕西电信", "陕西|电信"),
        ("中国电信陕西分公司", "陕西|电信"),
        ("中国电信股份有限公司陕西分公司", "陕西|电信"),
        ("中国电信（陕西）分公司", "陕西|电信"),
        ("陕西省电信有限公司", "陕西|电信"),
        ("中国移动通信集团陕西有限公司", "陕西|移动通信"),
        ("西安市第一医院", "西安|第一医院"),
        ("广西壮族自治区人民医院", "广西|人民医院"),
        ("华为技术有限公司", "|华为技术"),
        ("ACME Corp.", "|acmecorp"),
    ],
)
def test_account_name_normalize_strips_noise_and_pulls_regions_out(name, key):
    assert account_name_normalize(name) == key


def test_account_name_normalize_is_order_insensitive_for_regions():
    assert account_name_normalize("陕西西安电信") == account_name_normalize("西安陕西电信")


def test_account_name_normalize_keeps_a_noise_only_name():
    assert account_name_normalize("中国有限公司") != "|"


def test_name_similarity_is_high_for_near_names_and_low_for_others():
    assert name_similarity("陕西|西安交通大学", "陕西|西安交通大学医学部") >= 0.6
    assert name_similarity("陕西|电信", "陕西|移动通信") == 0


@pytest.mark.django_db
def test_similar_names_finds_shaanxi_telecom_for_the_long_name():
    existing = make_account(name="陕西电信")
    make_account(name="陕西移动")
    found = accounts_similar_names(name="中国电信陕西分公司")
    assert [a.pk for a in found] == [existing.pk]


@pytest.mark.django_db
def test_similar_names_finds_the_long_name_for_shaanxi_telecom():
    existing = make_account(name="中国电信陕西分公司")
    found = accounts_similar_names(name="陕西电信")
    assert [a.pk for a in found] == [existing.pk]


@pytest.mark.django_db
def test_similar_names_uses_bigram_similarity_within_the_region():
    existing = make_account(name="西安交通大学第一附属医院")
    found = accounts_similar_names(name="西安交通大学第一附属医院（东院）")
    assert existing in found
    assert accounts_similar_names(name="西安电子科技大学") == []


@pytest.mark.django_db
def test_account_create_stores_the_normalised_name(rep):
    account = account_create(
        actor=rep, name="中国电信陕西分公司", industry="telecom", province="陕西",
        level="province", owner=rep,
    )  # fmt: skip
    assert account.name_normalized == "陕西|电信"
