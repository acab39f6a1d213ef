from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    ACCOUNT = "account", _("客户")
    CONTACT = "contact", _("关键人")
    INTERACTION = "interaction", _("拜访记录")
    OPPORTUNITY = "opportunity", _("商机")
    QUOTE = "quote", _("报价")
    APPROVAL = "approval", _("审批")


class SearchDocument(models.Model):
    """One searchable record, flattened. The full-text index lives beside it (see search.index).

    `account_id` is kept on every document so that visibility is a plain filter on the account.
    """

    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    object_id = models.PositiveBigIntegerField()
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="+", db_index=True
    )
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
