"""Reads for the finance pages: payments, a customer's ledger and account,
invoices. The credit figures themselves are finance/credit.py's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from finance.allocation import MONEY_KINDS, PREPAYMENT_KINDS, refunded_from
from finance.credit import MONEY_FIELD, CreditPosition, PositionFigures, credit_position
from finance.enums import EntryKind, InvoiceStatus
from finance.invoicing import uninvoiced_notes
from finance.models import Invoice, InvoiceItem, PaymentAllocation, ReceivableEntry
from salesadmin.clock import company_today
from salesadmin.db import search_filter
from salesadmin.models import TransitionLog

ZERO = Decimal("0.00")


def payment_list(*, search: str = "") -> QuerySet[ReceivableEntry]:
    """Payments received, newest first."""
    qs = (
        ReceivableEntry.objects.filter(kind=EntryKind.PAYMENT)
        .select_related("customer", "created_by")
        .annotate(received=-F("amount"))  # the ledger stores payments as negative
    )
    qs = search_filter(qs, search, "reference", "customer__name", "customer__code")
    return qs.order_by("-entry_date", "-id")


def customer_ledger(*, customer: Customer, limit: int = 200) -> list[ReceivableEntry]:
    """The customer's latest ledger entries, newest first, each with the balance
    after it (``running_balance``), computed by the database over the whole ledger."""
    qs = (
        ReceivableEntry.objects.filter(customer=customer)
        .select_related("delivery_note", "created_by")
        .annotate(
            running_balance=Window(Sum("amount"), order_by=["entry_date", "id"]),
        )
        .order_by("-entry_date", "-id")
    )
    return list(qs[:limit])


# --- the receivables pages -------------------------------------------------------------------


@dataclass(frozen=True)
class AccountSummary(PositionFigures):
    """What a customer owes and may still owe, in parts.

    The credit figures (balance, stamped notes, allowance, exposure, headroom)
    are finance/credit.py's position; the parts of the balance are read here.
    """

    position: CreditPosition
    open_invoices: Decimal  # open amounts of open invoices
    overdue: Decimal  # of which past due
    uninvoiced: Decimal  # dispatched, charged, not yet on an invoice
    prepayment: Decimal  # money not allocated to an invoice

    @property
    def outstanding(self) -> Decimal:
        """Before prepayment: open invoices + dispatched not invoiced + stamped."""
        return self.open_invoices + self.uninvoiced + self.pending


def _sum_subquery(qs, field_expr) -> Coalesce:
    sub = qs.order_by().values("customer_id").annotate(s=Sum(field_expr)).values("s")
    return Coalesce(Subquery(sub), Value(ZERO), output_field=MONEY_FIELD)


def account_summary(*, customer: Customer, today: dt.date | None = None) -> AccountSummary:
    """The credit position (one query) and the parts of the balance (one more)."""
    today = today or company_today()
    here = OuterRef("pk")
    open_invoices = Invoice.objects.filter(customer_id=here, status=InvoiceStatus.OPEN)
    row = (
        Customer.objects.filter(pk=customer.pk)
        .annotate(
            _open=_sum_subquery(open_invoices, F("amount") - F("paid_amount")),
            _overdue=_sum_subquery(
                open_invoices.filter(due_date__lt=today), F("amount") - F("paid_amount")
            ),
            _uninvoiced=_sum_subquery(uninvoiced_notes().filter(customer_id=here), "actual_value"),
            _money=_sum_subquery(
                ReceivableEntry.objects.filter(customer_id=here, kind__in=PREPAYMENT_KINDS),
                "amount",
            ),
            _allocated=Coalesce(
                Subquery(
                    PaymentAllocation.objects.filter(payment__customer_id=here)
                    .order_by()
                    .values("payment__customer_id")
                    .annotate(s=Sum("amount"))
                    .values("s")
                ),
                Value(ZERO),
                output_field=MONEY_FIELD,
            ),
        )
        .values_list("_open", "_overdue", "_uninvoiced", "_money", "_allocated")
        .get()
    )
    open_amount, overdue, uninvoiced, money, allocated = row
    return AccountSummary(
        position=credit_position(customer=customer),
        open_invoices=open_amount,
        overdue=overdue,
        uninvoiced=uninvoiced,
        prepayment=-money - allocated,
    )


def ledger_entries(*, customer: Customer) -> QuerySet[ReceivableEntry]:
    """Every movement of the customer, newest first, with the balance after it
    (computed by the database over the whole ledger, so a page of it is right)
    and, for payments, where the money went (one prefetch per page)."""
    allocations = PaymentAllocation.objects.select_related("invoice").order_by("id")
    return (
        ReceivableEntry.objects.filter(customer=customer)
        .select_related("delivery_note", "created_by")
        .prefetch_related(Prefetch("allocations", queryset=allocations))
        .annotate(running_balance=Window(Sum("amount"), order_by=["entry_date", "id"]))
        .order_by("-entry_date", "-id")
    )


def open_invoices(*, customer: Customer) -> QuerySet[Invoice]:
    return (
        Invoice.objects.filter(customer=customer, status=InvoiceStatus.OPEN)
        .annotate(open=F("amount") - F("paid_amount"))
        .order_by("due_date", "id")
    )


def invoice_list(
    *,
    status: str = "",
    customer_id: int | None = None,
    overdue: bool = False,
    search: str = "",
    today: dt.date | None = None,
) -> QuerySet[Invoice]:
    """Invoices newest first, with their open amount; ``overdue``: open and past due."""
    qs = Invoice.objects.select_related("customer").annotate(open=F("amount") - F("paid_amount"))
    if status in InvoiceStatus.values:
        qs = qs.filter(status=status)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if overdue:
        qs = qs.filter(status=InvoiceStatus.OPEN, due_date__lt=today or company_today())
    qs = search_filter(qs, search, "number", "official_number", "customer__name", "customer__code")
    return qs.order_by("-issue_date", "-id")


def invoice_detail(*, pk: int) -> Invoice:
    """An invoice with its notes, allocations (and their payments) and history."""
    from django.shortcuts import get_object_or_404

    items = InvoiceItem.objects.select_related("delivery_note").order_by("id")
    allocations = PaymentAllocation.objects.select_related("payment", "created_by").order_by("id")
    return get_object_or_404(
        Invoice.objects.select_related("customer", "voided_by", "created_by").prefetch_related(
            Prefetch("items", queryset=items), Prefetch("allocations", queryset=allocations)
        ),
        pk=pk,
    )


INVOICE_LOG_LABELS = {
    "official_number": _("Official number recorded"),
    "void": _("Voided"),
}


def invoice_history(*, invoice: Invoice) -> list[TransitionLog]:
    """The invoice's logged steps, each with the words its page shows (``label``)."""
    log = list(
        TransitionLog.objects.filter(document_type="invoice", document_id=invoice.pk)
        .select_related("user")
        .order_by("at", "id")
    )
    for entry in log:
        entry.label = INVOICE_LOG_LABELS.get(entry.transition, entry.transition)
    return log


def refundable_money(*, customer_id: int) -> list[ReceivableEntry]:
    """The customer's payments and credit notes with money neither allocated
    to an invoice nor paid back (``left``): what a refund can pay back, oldest
    first. One query."""
    return list(
        ReceivableEntry.objects.filter(customer_id=customer_id, kind__in=MONEY_KINDS)
        .annotate(allocated=Coalesce(Sum("allocations__amount"), Value(Decimal("0.00"))))
        .annotate(refunded=refunded_from())
        .annotate(left=-F("amount") - F("allocated") - F("refunded"))
        .filter(left__gt=0)
        .order_by("entry_date", "id")
    )
