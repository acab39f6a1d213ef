"""The delivery chain page: empty and full, htmx add/edit/sign-off/remove swapping the panel,
errors on their fields, the suggestions, and a flat query count."""

import pytest
from django.utils import timezone

from kam.delivery.models import DeliveryChainMember
from tests.conftest import client_for
from tests.delivery.conftest import member, person
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(contract, tail=""):
    return f"/delivery/contract/{contract.pk}/{tail}"


def test_empty_chain_page(rep, contract):
    response = client_for(rep).get(_url(contract))
    body = response.content.decode()
    assert response.status_code == 200
    assert "还没有交付决策链" in body and 'data-testid="uncovered-roles"' in body
    assert 'data-testid="delivery-member-add"' in body


def test_chain_page_with_members(rep, contract):
    member(
        contract, person(contract, "钱财务", title="财务部长", price_acceptance=2), rep,
        "finance", stance="opponent", signs_all_milestones=True, support_plan="提前三天对账",
    )  # fmt: skip
    person(contract, "孙质检", title="质检科长")
    body = client_for(rep).get(_url(contract)).content.decode()
    assert "钱财务" in body and "财务部长" in body and "提前三天对账" in body
    assert "全部回款节点" in body and "●●○○○" in body
    assert 'data-testid="opposing-members"' in body and 'data-testid="low-score-members"' in body
    assert 'data-suggested="' in body and "孙质检" in body


def test_htmx_add_returns_the_panel(rep, contract):
    someone = person(contract, "周供应", title="供应链经理")
    response = client_for(rep).post(
        _url(contract, "add/"),
        {"contact": someone.pk, "delivery_role": "supply_chain", "stance": "supporter"},
        **HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert 'id="delivery-chain"' in body and "周供应" in body
    assert DeliveryChainMember.objects.get().delivery_role == "supply_chain"


def test_add_errors_show_on_fields(rep, contract):
    response = client_for(rep).post(
        _url(contract, "add/"), {"contact": "", "delivery_role": "x", "stance": "unknown"}, **HTMX
    )
    body = response.content.decode()
    assert 'data-field="contact"' in body and 'data-field="delivery_role"' in body
    assert not DeliveryChainMember.objects.exists()


def test_contact_of_another_account_cannot_be_posted(rep, contract):
    stranger = ContactFactory(name="外人")
    client_for(rep).post(
        _url(contract, "add/"), {"contact": stranger.pk, "delivery_role": "finance"}, **HTMX
    )
    assert not DeliveryChainMember.objects.exists()


def test_edit_in_place_and_stale_edit(rep, contract):
    added = member(contract, person(contract, "甲"), rep)
    client = client_for(rep)
    form = client.get(_url(contract, f"{added.pk}/edit/"), **HTMX).content.decode()
    assert 'data-testid="delivery-member-form"' in form
    data = {"delivery_role": "quality", "stance": "supporter", "support_plan": "送样", "version": 0}
    saved = client.post(_url(contract, f"{added.pk}/edit/"), data, **HTMX)
    assert 'data-testid="delivery-member-form"' not in saved.content.decode()
    added.refresh_from_db()
    assert (added.delivery_role, added.support_plan, added.version) == ("quality", "送样", 1)
    stale = client.post(_url(contract, f"{added.pk}/edit/"), {**data, "stance": "opponent"}, **HTMX)
    assert "该记录已被他人修改" in stale.content.decode()
    added.refresh_from_db()
    assert added.stance == "supporter"


def test_signoff_and_remove_without_htmx_redirect(rep, contract):
    added = member(contract, person(contract, "甲"), rep)
    client = client_for(rep)
    today = timezone.localdate().isoformat()
    response = client.post(
        _url(contract, f"{added.pk}/sign-off/"),
        {"signoff_status": "signed", "signoff_on": today, "signoff_note": "", "version": 0},
    )
    assert response.status_code == 302 and response["Location"] == _url(contract)
    added.refresh_from_db()
    assert added.signoff_status == "signed"
    assert client.post(_url(contract, f"{added.pk}/remove/")).status_code == 302
    assert not DeliveryChainMember.objects.exists()


def test_signoff_without_date_is_refused_on_the_field(rep, contract):
    added = member(contract, person(contract, "甲"), rep)
    response = client_for(rep).post(
        _url(contract, f"{added.pk}/sign-off/"),
        {"signoff_status": "refused", "signoff_on": "", "version": 0},
        **HTMX,
    )
    assert 'data-field="signoff_on"' in response.content.decode()
    added.refresh_from_db()
    assert added.signoff_status == "pending"


def test_member_of_another_contract_is_404(rep, contract):
    from tests.contracts.conftest import make_contract

    other = make_contract(rep, "二期")
    added = member(other, person(other, "甲"), rep)
    assert client_for(rep).get(_url(contract, f"{added.pk}/edit/")).status_code == 404


def test_finance_reads_without_forms(rep, finance, contract):
    member(contract, person(contract, "甲"), rep)
    body = client_for(finance).get(_url(contract)).content.decode()
    assert "甲" in body
    assert 'data-testid="delivery-member-add"' not in body
    assert 'data-testid="delivery-member-edit"' not in body
    assert 'data-testid="delivery-suggestions"' not in body


@pytest.mark.parametrize("count", [1, 3])
def test_page_query_count_is_flat(rep, contract, count, django_assert_num_queries):
    milestone = contract.milestones.order_by("position").first()
    for n in range(count):
        member(
            contract,
            person(contract, f"人{n}", title="财务"),
            rep,
            "finance",
            milestones=[milestone.pk],
        )
        person(contract, f"候选{n}", title="质检科长")
    client = client_for(rep)
    client.get(_url(contract))
    with django_assert_num_queries(8):
        client.get(_url(contract))


def test_contract_summary_partial(rep, contract):
    from django.template.loader import render_to_string

    from kam.delivery.selectors import delivery_summary

    member(contract, person(contract, "甲"), rep, "finance", stance="opponent")
    html = render_to_string(
        "delivery/_contract_summary.html",
        {"contract": contract, "delivery_summary": delivery_summary(contract)},
    )
    assert 'data-testid="delivery-members">1<' in html
    assert f"/delivery/contract/{contract.pk}/" in html and "供应链" in html


def test_page_has_no_inline_script_or_style(rep, contract):
    from tests.core.test_csp import INLINE_SCRIPT, INLINE_STYLE

    added = member(contract, person(contract, "甲"), rep)
    person(contract, "乙", title="质检科长")
    client = client_for(rep)
    for url in (
        _url(contract),
        _url(contract, f"{added.pk}/edit/"),
        _url(contract, f"{added.pk}/sign-off/"),
    ):
        html = client.get(url).content.decode()
        assert not INLINE_SCRIPT.search(html) and not INLINE_STYLE.search(html), url
