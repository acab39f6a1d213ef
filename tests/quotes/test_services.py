"""Quote lifecycle: create, terms, submit (discount approval), review, send, accept."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kam.approvals.models import Approval
from kam.approvals.services import approval_approve, approval_reject, approval_withdraw
from kam.audit.models import FieldChange
from kam.core.versioning import STALE_MESSAGE
from kam.opportunities.gates import gate_checks
from kam.opportunities.models import Opportunity
from kam.opportunities.services.opportunities import opportunity_lines_replace
from kam.quotes.checks import (
    delivery_review_done,
    delivery_reviewed,
    quote_accepted,
    quote_sent,
)
from kam.quotes.enums import QuoteStatus
from kam.quotes.models import DeliveryReview, QuoteVersion
from kam.quotes.selectors import quote_accepted_for
from kam.quotes.services import (
    quote_accept,
    quote_decline,
    quote_reopen,
    quote_review_record,
    quote_send,
    quote_submit,
    quote_terms_update,
    quote_version_create,
)
from tests.quotes.conftest import GOOD_REVIEW, make_deal

pytestmark = pytest.mark.django_db


def _sendable(deal, rep, delivery):
    quote = quote_version_create(opportunity=deal, actor=rep, data={})
    quote = quote_submit(quote=quote, actor=rep, version=quote.version)
    quote_review_record(quote=quote, actor=delivery, data=GOOD_REVIEW)
    return quote


def test_create_numbers_versions_and_defaults_validity(deal, rep):
    first = quote_version_create(opportunity=deal, actor=rep, data={"payment_terms": "预付30%"})
    second = quote_version_create(opportunity=deal, actor=rep, data={})
    assert (first.version_no, second.version_no) == (1, 2)
    assert first.number == f"{deal.number}-01"
    assert first.status == QuoteStatus.DRAFT
    assert first.valid_until == timezone.localdate() + timedelta(days=30)
    assert first.payment_terms == "预付30%"
    assert FieldChange.objects.filter(object_id=first.pk, field="net_total").exists()


def test_create_refused_without_lines(deal, rep):
    deal = opportunity_lines_replace(opportunity=deal, actor=rep, version=deal.version, lines=[])
    with pytest.raises(ValidationError) as error:
        quote_version_create(opportunity=deal, actor=rep, data={})
    assert "lines" in error.value.message_dict
    assert not QuoteVersion.objects.exists()


def test_create_refused_for_someone_who_cannot_edit_the_deal(deal, other_rep, colleague):
    for user in (other_rep, colleague):
        with pytest.raises(PermissionDenied):
            quote_version_create(opportunity=deal, actor=user, data={})


def test_create_rejects_past_validity(deal, rep):
    with pytest.raises(ValidationError) as error:
        quote_version_create(
            opportunity=deal, actor=rep, data={"valid_until": timezone.localdate() - timedelta(1)}
        )
    assert "valid_until" in error.value.message_dict
    assert not QuoteVersion.objects.exists()


def test_terms_edit_while_draft_with_version(deal, rep, manager):
    quote = quote_version_create(opportunity=deal, actor=rep, data={})
    updated = quote_terms_update(
        quote=quote, actor=rep, version=quote.version, data={"delivery_terms": "合同签订后60天"}
    )
    assert updated.delivery_terms == "合同签订后60天"
    with pytest.raises(ValidationError) as error:  # stale: based on the old version
        quote_terms_update(quote=quote, actor=manager, version=quote.version, data={"notes": "x"})
    assert STALE_MESSAGE in error.value.messages
    quote.refresh_from_db()
    assert quote.notes == ""
    quote = quote_submit(quote=quote, actor=rep, version=quote.version)
    with pytest.raises(ValidationError):
        quote_terms_update(quote=quote, actor=rep, version=quote.version, data={"notes": "x"})


@pytest.mark.parametrize(
    ("discounts", "needs_approval"),
    [
        (("15", "0"), False),  # at the threshold: within authority
        (("14.99", "15"), False),
        (("15.01", "0"), True),  # one line above
        (("0", "100"), True),
    ],
)
def test_discount_threshold(customer, rep, manager, director, products, discounts, needs_approval):
    deal = make_deal(customer, rep, products, discounts)
    quote = quote_version_create(opportunity=deal, actor=rep, data={})
    quote = quote_submit(quote=quote, actor=rep, version=quote.version)
    approvals = Approval.objects.filter(type_code="discount", opportunity=deal)
    if needs_approval:
        assert quote.status == QuoteStatus.PENDING_DISCOUNT_APPROVAL
        approval = approvals.get()
        assert approval.amount == quote.net_total
        assert approval.payload["quote_version_id"] == quote.pk
        assert Decimal(approval.payload["max_discount_rate"]) == quote.max_discount_rate
        assert quote.discount_approval_id == approval.pk
        assert approval.subject == quote
    else:
        assert quote.status == QuoteStatus.APPROVED
        assert not approvals.exists()


def test_overall_discount_above_threshold_needs_approval(
    customer, rep, manager, director, settings, products
):
    settings.KAM_QUOTE_DISCOUNT_THRESHOLD = Decimal("9")
    deal = make_deal(customer, rep, products, ("9", "9"))  # every line at 9 %, overall 9 %
    quote = quote_version_create(opportunity=deal, actor=rep, data={})
    assert (
        quote_submit(quote=quote, actor=rep, version=quote.version).status == QuoteStatus.APPROVED
    )
    settings.KAM_QUOTE_DISCOUNT_THRESHOLD = Decimal("8.99")
    quote = quote_version_create(opportunity=deal, actor=rep, data={})
    quote = quote_submit(quote=quote, actor=rep, version=quote.version)
    assert quote.status == QuoteStatus.PENDING_DISCOUNT_APPROVAL


@pytest.fixture
def pending(customer, rep, manager, director, products):
    deal = make_deal(customer, rep, products, ("20", "0"))
    quote = quote_version_create(opportunity=deal, actor=rep, data={})
    quote = quote_submit(quote=quote, actor=rep, version=quote.version)
    return quote, Approval.objects.get(pk=quote.discount_approval_id)


def test_approval_apply_approves_the_version(pending, manager, director):
    quote, approval = pending
    approval = approval_approve(approval=approval, actor=manager, version=approval.version)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.PENDING_DISCOUNT_APPROVAL  # director still to decide
    approval_approve(approval=approval, actor=director, version=approval.version)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.APPROVED
    assert quote.approved_at is not None
    assert FieldChange.objects.filter(object_id=quote.pk, field="status", actor=director).exists()


def test_approval_rejection_returns_to_draft(pending, manager):
    quote, approval = pending
    approval_reject(approval=approval, actor=manager, version=approval.version, comment="折扣过高")
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT


def test_reopen_after_withdrawal_only(pending, rep):
    quote, approval = pending
    with pytest.raises(ValidationError):
        quote_reopen(quote=quote, actor=rep, version=quote.version)
    approval_withdraw(approval=approval, actor=rep, version=approval.version)
    quote = quote_reopen(quote=quote, actor=rep, version=quote.version)
    assert quote.status == QuoteStatus.DRAFT


def test_review_only_by_the_deals_delivery_manager(deal_team, rep, delivery, solution_manager):
    quote = quote_version_create(opportunity=deal_team, actor=rep, data={})
    for user in (rep, solution_manager):
        with pytest.raises(PermissionDenied):
            quote_review_record(quote=quote, actor=user, data=GOOD_REVIEW)
    review = quote_review_record(
        quote=quote, actor=delivery, data={**GOOD_REVIEW, "workload_days": "12.5"}
    )
    assert review.workload_days == Decimal("12.5")
    assert review.reviewer == delivery


def test_review_input_validation(deal_team, rep, delivery):
    quote = quote_version_create(opportunity=deal_team, actor=rep, data={})
    with pytest.raises(ValidationError) as error:
        quote_review_record(
            quote=quote, actor=delivery, data={**GOOD_REVIEW, "workload_days": "-1"}
        )
    assert "workload_days" in error.value.message_dict
    with pytest.raises(ValidationError) as error:  # a failed review must say why
        quote_review_record(quote=quote, actor=delivery, data={**GOOD_REVIEW, "price_ok": False})
    assert "comment" in error.value.message_dict
    with pytest.raises(TypeError):
        quote_review_record(quote=quote, actor=delivery, data={**GOOD_REVIEW, "workload_days": 1.5})
    assert not DeliveryReview.objects.exists()


def test_send_refused_without_review(deal_team, rep):
    quote = quote_version_create(opportunity=deal_team, actor=rep, data={})
    quote = quote_submit(quote=quote, actor=rep, version=quote.version)
    with pytest.raises(ValidationError) as error:
        quote_send(quote=quote, actor=rep, version=quote.version)
    assert "review" in error.value.message_dict
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.APPROVED


def test_send_refused_when_reviewer_is_not_the_delivery_manager(deal_team, rep, colleague):
    quote = quote_version_create(opportunity=deal_team, actor=rep, data={})
    quote = quote_submit(quote=quote, actor=rep, version=quote.version)
    # A review row written by someone without the role (e.g. imported) does not count.
    DeliveryReview.objects.create(
        quote=quote, reviewer=colleague, scope_ok=True, workload_days=Decimal("3"), price_ok=True
    )
    with pytest.raises(ValidationError):
        quote_send(quote=quote, actor=rep, version=quote.version)


def test_send_refused_after_failed_review_and_before_approval(deal_team, rep, delivery):
    quote = quote_version_create(opportunity=deal_team, actor=rep, data={})
    quote_review_record(
        quote=quote, actor=delivery, data={**GOOD_REVIEW, "scope_ok": False, "comment": "范围过大"}
    )
    with pytest.raises(ValidationError):  # still a draft
        quote_send(quote=quote, actor=rep, version=quote.version)
    quote = quote_submit(quote=quote, actor=rep, version=quote.version)
    with pytest.raises(ValidationError) as error:
        quote_send(quote=quote, actor=rep, version=quote.version)
    assert "review" in error.value.message_dict


def test_send_supersedes_earlier_versions_and_gate_checks(deal_team, rep, delivery):
    assert not delivery_review_done(deal_team)
    first = _sendable(deal_team, rep, delivery)
    assert delivery_review_done(deal_team)
    reviewed = Opportunity.objects.filter(delivery_reviewed(), pk__in=[deal_team.pk, 0])
    assert list(reviewed.values_list("pk", flat=True)) == [deal_team.pk]
    assert not quote_sent(deal_team)
    first = quote_send(quote=first, actor=rep, version=first.version)
    assert first.status == QuoteStatus.SENT and first.sent_at
    assert quote_sent(deal_team)
    second = _sendable(deal_team, rep, delivery)
    second = quote_send(quote=second, actor=rep, version=second.version)
    first.refresh_from_db()
    assert first.status == QuoteStatus.SUPERSEDED
    assert second.status == QuoteStatus.SENT
    assert not quote_accepted(deal_team)
    codes = {check.code for check in gate_checks()}
    assert {"delivery_review_done", "quote_sent", "quote_accepted"} <= codes


def test_accept_once_per_opportunity(deal_team, rep, delivery):
    first = _sendable(deal_team, rep, delivery)
    first = quote_send(quote=first, actor=rep, version=first.version)
    first = quote_accept(quote=first, actor=rep, version=first.version)
    assert first.status == QuoteStatus.ACCEPTED and first.accepted_at
    assert quote_accepted(deal_team)
    accepted = quote_accepted_for(deal_team)
    assert accepted == first
    assert sum(line.net_amount for line in accepted.lines.all()) == accepted.net_total
    # no new version, no other send or accept once a version is accepted
    with pytest.raises(ValidationError):
        quote_version_create(opportunity=deal_team, actor=rep, data={})
    with pytest.raises(ValidationError):
        quote_accept(quote=first, actor=rep, version=first.version)


def test_accepted_uniqueness_is_enforced_by_the_database(deal_team, rep, delivery):
    from django.db import IntegrityError, transaction

    first = _sendable(deal_team, rep, delivery)
    second = _sendable(deal_team, rep, delivery)
    QuoteVersion.objects.filter(pk=first.pk).update(status=QuoteStatus.ACCEPTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuoteVersion.objects.filter(pk=second.pk).update(status=QuoteStatus.ACCEPTED)


def test_decline_then_new_version(deal_team, rep, delivery):
    first = _sendable(deal_team, rep, delivery)
    first = quote_send(quote=first, actor=rep, version=first.version)
    first = quote_decline(quote=first, actor=rep, version=first.version)
    assert first.status == QuoteStatus.REJECTED
    assert quote_accepted_for(deal_team) is None
    assert quote_version_create(opportunity=deal_team, actor=rep, data={}).version_no == 2


def test_stale_submit_refused(deal, rep):
    quote = quote_version_create(opportunity=deal, actor=rep, data={})
    quote_terms_update(quote=quote, actor=rep, version=quote.version, data={"notes": "改"})
    with pytest.raises(ValidationError) as error:
        quote_submit(quote=quote, actor=rep, version=quote.version)
    assert STALE_MESSAGE in error.value.messages
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT
    assert not Approval.objects.exists()


def test_discount_type_is_registered_with_effects_and_description(pending):
    from kam.approvals.registry import approval_type_get

    quote, approval = pending
    discount = approval_type_get("discount")
    assert discount.apply is not None and discount.on_rejected is not None
    rows = {row.label: row.new for row in discount.describe(approval)}
    assert rows["报价版本"] == quote.number
    assert rows["最大折扣率"] == "20.00%"


def test_badges_for_pending_and_accepted(pending):
    from kam.opportunities.panels import badges_for

    quote, _approval = pending
    labels = [b.label for b in badges_for([quote.opportunity_id])[quote.opportunity_id]]
    assert "折扣审批中" in labels


def test_assessments_risk_uses_the_review_source(deal_team, rep, delivery):
    risk = pytest.importorskip("kam.assessments.risk")
    _sendable(deal_team, rep, delivery)
    assert risk._delivery_reviewed([deal_team.pk]) == {deal_team.pk: True}
