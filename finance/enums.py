from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    CHARGE = "charge", _("Charge (goods dispatched)")
    PAYMENT = "payment", _("Payment received")
    CREDIT_NOTE = "credit_note", _("Credit note")


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CASH = "cash", _("Cash")
    ACCEPTANCE_BILL = "acceptance_bill", _("Acceptance bill")
