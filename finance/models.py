"""The receivable ledger (应收账款): one signed entry per charge, payment or credit.

Positive amounts are what the customer owes (charges); payments and credit
notes are negative. A customer's balance is the sum: above zero they owe us,
below zero they have paid in advance. Append-only (database trigger).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from finance.enums import (
    CreditNoteSource,
    EntryKind,
    InvoiceStatus,
    PaymentMethod,
    ReminderStatus,
    StatementStatus,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


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
    # Who paid, as on the bank statement (a related company may pay for the customer).
    payer = models.CharField(_("payer"), max_length=200, blank=True)
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
                    Q(kind__in=[EntryKind.CHARGE, EntryKind.REFUND], amount__gt=0)
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


class CustomerBalance(models.Model):
    """A customer's ledger balance (the sum of their receivable entries), kept
    by the database: a trigger adds every new entry's amount in the entry's
    own transaction, and entries are never changed or deleted. Credit checks
    (order approval, finance stamp) read one row instead of summing a history
    that grows with every truck; tests hold it equal to the sum."""

    customer = models.OneToOneField(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="ledger_balance",
    )
    balance = models.DecimalField(_("balance"), **MONEY, default=0)

    class Meta:
        verbose_name = _("customer balance")
        verbose_name_plural = _("customer balances")

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.balance}"


class Invoice(models.Model):
    """An invoice groups the charges of dispatched delivery notes and gives them
    a due date: per note for prepaid/cash customers, per month or quarter for
    credit customers (DESIGN.md, Receivables). The ledger balance does not move
    when an invoice is made (the charge was booked at dispatch); the invoice is
    what ages, is reminded about and puts a customer on hold.

    ``paid_amount`` is the sum of the invoice's payment allocations, kept in
    step in the same transaction under the invoice's row lock.
    """

    number = models.CharField(_("invoice number"), max_length=30, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    issue_date = models.DateField(_("invoice date"))
    due_date = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    paid_amount = models.DecimalField(_("paid"), **MONEY, default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN
    )
    # 发票号: the number on the official (tax) invoice, recorded by finance.
    official_number = models.CharField(_("official invoice number"), max_length=40, blank=True)
    void_reason = models.CharField(_("void reason"), max_length=300, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issue_date", "-id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        permissions = [
            ("issue_invoice", _("Can issue invoices")),
            ("void_invoice", _("Can void an invoice")),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["customer", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0) & Q(paid_amount__lte=models.F("amount")),
                name="invoice_paid_within_amount",
            ),
            models.CheckConstraint(
                condition=~Q(status=InvoiceStatus.VOID) | ~Q(void_reason=""),
                name="invoice_void_has_reason",
            ),
            models.UniqueConstraint(
                fields=["official_number"],
                condition=~Q(official_number=""),
                name="invoice_official_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def open_amount(self):
        return self.amount - self.paid_amount


class InvoiceItem(models.Model):
    """One dispatched delivery note on an invoice. A note is on at most one
    live invoice; voiding the invoice deactivates its items so the note can be
    invoiced again."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="items")
    delivery_note = models.ForeignKey(
        "orders.DeliveryNote", on_delete=models.PROTECT, related_name="invoice_items"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery_note"],
                condition=Q(active=True),
                name="invoice_item_one_live_invoice_per_note",
            )
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.delivery_note_id} {self.amount}"


class PaymentAllocation(models.Model):
    """How much of a payment settles an invoice. Append-only: a reversal (an
    invoice voided, a hand re-allocation) is a negative row. What of a payment
    is not allocated is the customer's prepayment."""

    payment = models.ForeignKey(
        ReceivableEntry, on_delete=models.PROTECT, related_name="allocations"
    )
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("amount"), **MONEY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="allocation_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id} -> {self.invoice_id}: {self.amount}"


class Reminder(models.Model):
    """An overdue reminder is a row first (unique per invoice and level), then a
    task sends the pending rows and marks them sent: a lost message or a retried
    task never sends the same reminder twice, and a missed run is caught up."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="reminders")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="reminders"
    )
    level = models.PositiveSmallIntegerField(_("level"))
    days_overdue = models.PositiveIntegerField(_("days overdue"))
    open_amount = models.DecimalField(_("open amount"), **MONEY)
    status = models.CharField(
        _("status"), max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    email = models.CharField(_("sent to"), max_length=254, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # finance/outbox.py: when the current send began (status "sending"), and
    # when a failed one may be tried again (exponential backoff).
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        indexes = [models.Index(fields=["status", "id"])]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "level"], name="reminder_once_per_level"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} L{self.level} {self.status}"

    @property
    def message_key(self) -> str:
        """The stable part of the letter's Message-ID: a resend after a crash
        carries the same one (finance/outbox.py)."""
        return f"reminder-{self.pk}-L{self.level}"


class Statement(models.Model):
    """A month-end statement (对账单) owed to a customer: a row first, sent by a
    task, never twice for the same customer and period."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="statements"
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    opening_balance = models.DecimalField(_("opening balance"), **MONEY)
    closing_balance = models.DecimalField(_("closing balance"), **MONEY)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=StatementStatus.choices,
        default=StatementStatus.PENDING,
    )
    email = models.CharField(_("sent to"), max_length=254, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # finance/outbox.py: when the current send began (status "sending"), and
    # when a failed one may be tried again (exponential backoff).
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "customer_id"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "period_start", "period_end"],
                name="statement_once_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.period_start}..{self.period_end}"

    @property
    def message_key(self) -> str:
        return f"statement-{self.pk}-{self.period_start:%Y%m%d}-{self.period_end:%Y%m%d}"


class CreditNote(models.Model):
    """贷项通知单: what the customer no longer owes after a return or an allowance.

    Issued in the same transaction as the return's receipt or the allowance's
    final approval (finance/credit_notes.py), with its credit on the receivable
    ledger (``entry``, kind credit_note) allocated to the invoice it corrects,
    else to the oldest open invoices; the rest is prepayment, which a refund
    can pay back. One per source document (unique), so a repeated receipt or
    approval cannot credit twice.
    """

    number = models.CharField(_("credit note number"), max_length=30, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="credit_notes",
    )
    source = models.CharField(_("source"), max_length=20, choices=CreditNoteSource.choices)
    source_id = models.PositiveBigIntegerField(_("source document id"))
    source_number = models.CharField(_("source document"), max_length=30)
    delivery_note = models.ForeignKey(
        "orders.DeliveryNote",
        verbose_name=_("delivery note"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
    )
    invoice = models.ForeignKey(
        Invoice,
        verbose_name=_("corrected invoice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
    )
    issue_date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # The customer's own document (退货发票 / 退货折让证明单 / request reference).
    customer_reference = models.CharField(_("customer's document"), max_length=60, blank=True)
    entry = models.OneToOneField(
        ReceivableEntry, on_delete=models.PROTECT, related_name="credit_note"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issue_date", "-id"]
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        permissions = [("record_refund", _("Can record a refund"))]
        indexes = [
            models.Index(fields=["customer", "issue_date"]),
            # Reports net sales of the day's returns and allowances.
            models.Index(fields=["issue_date"], name="credit_note_issue_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_note_amount_positive"),
            models.UniqueConstraint(
                fields=["source", "source_id"], name="credit_note_once_per_source"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class CreditNoteLine(models.Model):
    credit_note = models.ForeignKey(CreditNote, on_delete=models.PROTECT, related_name="lines")
    product = models.ForeignKey(
        "inventory.Product", verbose_name=_("product"), on_delete=models.PROTECT, null=True
    )
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, null=True)
    unit_price = models.DecimalField(_("unit price"), **MONEY, null=True)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        ordering = ["credit_note", "id"]
        verbose_name = _("credit note line")
        verbose_name_plural = _("credit note lines")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_note_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.description} {self.amount}"


class Refund(models.Model):
    """Money paid back to a customer (退款) out of a payment's or credit note's
    unallocated money, with the bank reference. Its ledger entry (kind refund,
    positive) brings the balance back towards zero; what it draws on is no
    longer prepayment (finance.allocation). Append-only."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="refunds",
    )
    source = models.ForeignKey(
        ReceivableEntry,
        verbose_name=_("paid back from"),
        on_delete=models.PROTECT,
        related_name="refunds",
    )
    entry = models.OneToOneField(ReceivableEntry, on_delete=models.PROTECT, related_name="refund")
    amount = models.DecimalField(_("amount"), **MONEY)
    reference = models.CharField(_("bank reference"), max_length=60, unique=True)
    refund_date = models.DateField(_("date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-refund_date", "-id"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount}"
