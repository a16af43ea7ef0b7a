"""The receivable ledger (应收账款): one signed entry per charge, payment or credit.

Positive amounts are what the customer owes (charges); payments and credit
notes are negative. A customer's balance is the sum: above zero they owe us,
below zero they have paid in advance. Append-only (database trigger).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from finance.enums import EntryKind, PaymentMethod


class ReceivableEntry(models.Model):
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="receivable_entries",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    entry_date = models.DateField(_("date"))
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices, blank=True)
    # Bank reference of a payment; unique so the same transfer is never booked twice.
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    delivery_note = models.ForeignKey(
        "orders.DeliveryNote",
        verbose_name=_("delivery note"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receivable_entries",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry_date", "id"]
        verbose_name = _("receivable entry")
        verbose_name_plural = _("receivable entries")
        permissions = [("record_payment", _("Can record a payment"))]
        indexes = [models.Index(fields=["customer", "entry_date"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=EntryKind.CHARGE, amount__gt=0)
                    | Q(kind__in=[EntryKind.PAYMENT, EntryKind.CREDIT_NOTE], amount__lt=0)
                ),
                name="receivable_sign_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["reference"],
                condition=Q(kind=EntryKind.PAYMENT) & ~Q(reference=""),
                name="payment_reference_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.kind} {self.amount}"
