from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EntryKind(models.TextChoices):
    CHARGE = "charge", _("Charge (goods dispatched)")
    PAYMENT = "payment", _("Payment received")
    CREDIT_NOTE = "credit_note", _("Credit note")
    REFUND = "refund", _("Refund (money paid back)")


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CASH = "cash", _("Cash")
    ACCEPTANCE_BILL = "acceptance_bill", _("Acceptance bill")


class InvoiceStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("invoice status", "Open")
    PAID = "paid", pgettext_lazy("invoice status", "Paid")
    VOID = "void", _("Void")


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    # Claimed by a sender and committed before the e-mail goes out (finance/outbox.py).
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class StatementStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    NO_EMAIL = "no_email", _("No e-mail address")
    FAILED = "failed", _("Failed")


class CreditNoteSource(models.TextChoices):
    RETURN = "return", _("Return")
    ALLOWANCE = "allowance", _("Allowance")
