"""Reads for the finance pages: payments, a customer's ledger, and the coverage
picture finance looks at before stamping a delivery note."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from customers.enums import CreditTerms
from customers.models import Customer
from finance.allocation import PREPAYMENT_KINDS
from finance.credit import MONEY_FIELD, CreditPosition, credit_position
from finance.enums import EntryKind, InvoiceStatus
from finance.invoicing import uninvoiced_notes
from finance.models import Invoice, InvoiceItem, PaymentAllocation, ReceivableEntry
from salesadmin.clock import company_today
from salesadmin.models import TransitionLog

ZERO = Decimal("0.00")


def payment_list(*, search: str = "") -> QuerySet[ReceivableEntry]:
    """Payments received, newest first."""
    qs = (
        ReceivableEntry.objects.filter(kind=EntryKind.PAYMENT)
        .select_related("customer", "created_by")
        .annotate(received=-F("amount"))  # the ledger stores payments as negative
    )
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(reference__icontains=search)
            | Q(customer__name__icontains=search)
            | Q(customer__code__icontains=search)
        )
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


@dataclass(frozen=True)
class CoveragePicture:
    """Why a stamp for ``amount`` more would be given, or refused."""

    customer: Customer
    amount: Decimal
    balance: Decimal  # ledger: above zero owed, below zero prepaid
    pending: Decimal  # stamped notes not yet charged
    allowance: Decimal  # how far the customer may owe
    coverage: str | None  # orders.enums.Coverage value, or None when not covered

    @property
    def terms_label(self) -> str:
        return self.customer.get_credit_terms_display()

    @property
    def is_prepaid(self) -> bool:
        return self.customer.credit_terms == CreditTerms.PREPAID

    @property
    def exposure(self) -> Decimal:
        return self.balance + self.pending

    @property
    def after(self) -> Decimal:
        """What the customer would owe with this amount stamped."""
        return self.exposure + self.amount

    @property
    def prepayment(self) -> Decimal:
        """Money paid in advance and not yet promised to a stamped note."""
        return max(-self.exposure, ZERO)

    @property
    def headroom(self) -> Decimal:
        """What may still be stamped before the rule refuses."""
        return max(self.allowance - self.exposure, ZERO)

    @property
    def shortfall(self) -> Decimal:
        """How much must be paid (or credit given) before this amount is covered."""
        return max(self.after - self.allowance, ZERO)

    @property
    def covered(self) -> bool:
        return self.coverage is not None

    @property
    def coverage_label(self) -> str:
        from orders.enums import Coverage

        return str(Coverage(self.coverage).label) if self.coverage else ""

    @property
    def refusal(self) -> str:
        """The rule that refuses the stamp, in the users' words ("" when covered)."""
        if self.covered:
            return ""
        if self.customer.on_credit_hold:
            return _("The customer is on credit hold: no note may be stamped until it is released.")
        if self.is_prepaid:
            return _(
                "Prepaid customer: the prepayment does not cover this note; "
                "%(short)s more must be paid first."
            ) % {"short": f"{self.shortfall:,.2f}"}
        return _(
            "Outstanding plus this note would be %(after)s, above the credit limit "
            "%(limit)s by %(short)s."
        ) % {
            "after": f"{self.after:,.2f}",
            "limit": f"{self.allowance:,.2f}",
            "short": f"{self.shortfall:,.2f}",
        }


def coverage_picture(
    *, customer: Customer, amount: Decimal, exclude_note_id: int | None = None
) -> CoveragePicture:
    """The figures the stamp rule (finance.credit) decides on, in one query."""
    position = credit_position(customer=customer, exclude_note_id=exclude_note_id)
    return CoveragePicture(
        customer=customer,
        amount=amount,
        balance=position.balance,
        pending=position.pending,
        allowance=position.allowance,
        coverage=position.coverage_for(amount),
    )


# --- the receivables pages -------------------------------------------------------------------


@dataclass(frozen=True)
class AccountSummary:
    """What a customer owes and may still owe, in parts (one query).

    balance = open invoices + dispatched not invoiced - prepayment; outstanding
    for the credit rule adds the stamped notes (finance/credit.py).
    """

    customer: Customer
    balance: Decimal
    pending: Decimal  # stamped, not yet dispatched
    open_invoices: Decimal  # open amounts of open invoices
    overdue: Decimal  # of which past due
    uninvoiced: Decimal  # dispatched, charged, not yet on an invoice
    prepayment: Decimal  # money not allocated to an invoice

    @property
    def position(self) -> CreditPosition:
        return CreditPosition(customer=self.customer, balance=self.balance, pending=self.pending)

    @property
    def allowance(self) -> Decimal:
        return self.position.allowance

    @property
    def exposure(self) -> Decimal:
        return self.position.exposure

    @property
    def outstanding(self) -> Decimal:
        """Before prepayment: open invoices + dispatched not invoiced + stamped."""
        return self.open_invoices + self.uninvoiced + self.pending

    @property
    def headroom(self) -> Decimal:
        return self.position.headroom


def _sum_subquery(qs, field_expr) -> Coalesce:
    sub = qs.order_by().values("customer_id").annotate(s=Sum(field_expr)).values("s")
    return Coalesce(Subquery(sub), Value(ZERO), output_field=MONEY_FIELD)


def account_summary(*, customer: Customer, today: dt.date | None = None) -> AccountSummary:
    from orders.enums import NoteStatus
    from orders.models import DeliveryNote

    today = today or company_today()
    here = OuterRef("pk")
    open_invoices = Invoice.objects.filter(customer_id=here, status=InvoiceStatus.OPEN)
    row = (
        Customer.objects.filter(pk=customer.pk)
        .annotate(
            _balance=_sum_subquery(ReceivableEntry.objects.filter(customer_id=here), "amount"),
            _pending=_sum_subquery(
                DeliveryNote.objects.filter(customer_id=here, status=NoteStatus.STAMPED),
                "covered_amount",
            ),
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
        .values_list(
            "_balance", "_pending", "_open", "_overdue", "_uninvoiced", "_money", "_allocated"
        )
        .get()
    )
    balance, pending, open_amount, overdue, uninvoiced, money, allocated = row
    return AccountSummary(
        customer=customer,
        balance=balance,
        pending=pending,
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
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(number__icontains=search)
            | Q(official_number__icontains=search)
            | Q(customer__name__icontains=search)
            | Q(customer__code__icontains=search)
        )
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


def invoice_history(*, invoice: Invoice) -> list[TransitionLog]:
    return list(
        TransitionLog.objects.filter(document_type="invoice", document_id=invoice.pk)
        .select_related("user")
        .order_by("at", "id")
    )
