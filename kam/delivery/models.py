"""The delivery decision chain (SPEC R-COL-6): the customer's people who decide whether a
contract gets paid. The person (name, title, scores) stays on `kam.contacts.Contact`; a member
row holds only what is about this contract's delivery."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kam.delivery.enums import DeliveryRole, SignOffStatus, Stance


class DeliveryChainMember(models.Model):
    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, related_name="delivery_chain"
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("关键人"),
        on_delete=models.CASCADE,
        related_name="delivery_roles",
    )
    delivery_role = models.CharField(_("交付角色"), max_length=16, choices=DeliveryRole.choices)
    signs_all_milestones = models.BooleanField(_("签核全部回款节点"), default=False)
    milestones = models.ManyToManyField(
        "contracts.PaymentMilestone",
        verbose_name=_("签核的回款节点"),
        blank=True,
        related_name="delivery_signers",
    )
    stance = models.CharField(
        _("交付态度"), max_length=16, choices=Stance.choices, default=Stance.UNKNOWN
    )
    signoff_status = models.CharField(
        _("签核状态"), max_length=16, choices=SignOffStatus.choices, default=SignOffStatus.PENDING
    )
    signoff_on = models.DateField(_("签核日期"), null=True, blank=True)
    signoff_note = models.CharField(_("签核说明"), max_length=200, blank=True)
    support_plan = models.TextField(_("支持计划"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("交付决策链成员")
        verbose_name_plural = _("交付决策链成员")
        ordering = ["contract", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "contact"], name="delivery_member_once_per_contract"
            ),
            # A decision (signed or refused) always has its date; a pending one has none.
            models.CheckConstraint(
                condition=Q(signoff_status=SignOffStatus.PENDING, signoff_on__isnull=True)
                | (~Q(signoff_status=SignOffStatus.PENDING) & Q(signoff_on__isnull=False)),
                name="delivery_member_signoff_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id}: {self.contact_id} ({self.delivery_role})"
