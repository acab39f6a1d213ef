from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    ACCOUNT = "account", _("客户")
    CONTACT = "contact", _("关键人")
    INTERACTION = "interaction", _("拜访记录")
    OPPORTUNITY = "opportunity", _("商机")
    QUOTE = "quote", _("报价")
    APPROVAL = "approval", _("审批")
    LEAD = "lead", _("线索")
    POOL = "pool", _("公海记录")
    INTENT = "intent", _("意向等级变更")
    REVIEW = "review", _("理单")
    REVIEW_COMMENT = "review_comment", _("理单点评")
    CONTRACT = "contract", _("合同")
    INVOICE = "invoice", _("发票")
    RECEIPT = "receipt", _("回款")


class SearchDocument(models.Model):
    """One searchable record, flattened. The full-text index lives beside it (see search.index).

    `account_id` is kept on every document that belongs to an account, so that visibility is a
    plain filter on the account. Leads not yet tied to an account (and the intent changes and
    review notes about them) have none: `owner` then names whose reporting line sees them.
    `url` is set when a hit links to a page that is not the object's own detail page and not
    its account's (a class change opens its lead or deal, a review note its sheet).
    """

    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    object_id = models.PositiveBigIntegerField()
    account = models.ForeignKey(
        "accounts.Account",
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=True,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    url = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    # Space-separated index terms (CJK bigrams and lowercased words), in text order.
    terms = models.TextField(blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique")
        ]

    def __str__(self) -> str:
        return self.title
