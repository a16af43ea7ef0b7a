"""Opening receivables (期初应收) from a spreadsheet.

Each row is an invoice the customer still owes on the first day: it becomes an
open invoice with its own number, date and due date (so aging, reminders and
the overdue hold see it at once) and a charge on the receivable ledger (so the
balance and the credit check do). A customer with an invoice more than a month
overdue goes on credit hold in the same transaction, as the daily job would
put them. An invoice number already imported with the same figures is left
alone, so a re-run books nothing twice; with other figures it is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from customers.imports import CUSTOMER_BY_CODE
from customers.models import Customer
from finance.allocation import allocate_oldest_first
from finance.credit import credit_holds_review_for
from finance.enums import EntryKind
from finance.models import Invoice, ReceivableEntry
from salesadmin import imports as sheet
from salesadmin.clock import company_today
from salesadmin.imports import Column, Counts, ImportKind, RowError, RowProblem

OPENING_NOTE = gettext_noop("Opening balance")


@dataclass
class ReceivableRow:
    row: int
    customer_code: str
    number: str
    issue_date: dt.date
    due_date: dt.date
    amount: Decimal
    customer: Customer | None = None
    known: bool = False

    # On the receivable ledger the invoice is a charge of its number and date.
    @property
    def reference(self) -> str:
        return self.number

    @property
    def entry_date(self) -> dt.date:
        return self.issue_date


COLUMNS = (
    Column("customer", gettext_lazy("customer code"), True, "C001"),
    Column("invoice_number", gettext_lazy("invoice number"), True, "FP2025-0815"),
    Column("invoice_date", gettext_lazy("invoice date"), True, "2025-11-30"),
    Column("due_date", gettext_lazy("due date"), True, "2025-12-31"),
    Column("amount", gettext_lazy("amount owed"), True, "12500.00"),
)


def _positive_amount(values: dict, message: str) -> Decimal:
    amount = sheet.money(values, "amount")
    if amount <= 0:
        raise RowProblem(message, "amount")
    return amount


def _not_future(day: dt.date, column: str, message: str) -> None:
    # An opening balance is what stood on the first day, never a later booking.
    if day > company_today():
        raise RowProblem(message, column)


def _read(number: int, values: dict) -> ReceivableRow:
    amount = _positive_amount(values, _("The amount owed must be positive."))
    issued = sheet.date(values, "invoice_date")
    due = sheet.date(values, "due_date")
    if due < issued:
        raise RowProblem(_("The due date is before the invoice date."), "due_date")
    _not_future(issued, "invoice_date", _("The invoice date is in the future."))
    return ReceivableRow(
        row=number,
        customer_code=sheet.text(values, "customer", required=True),
        number=sheet.text(values, "invoice_number", required=True, max_length=30),
        issue_date=issued,
        due_date=due,
        amount=amount,
    )


def _book_on_ledger(new: list, *, kind: str, user) -> None:
    """One receivable-ledger row per new opening row: a charge for what is owed,
    a payment (negative, as the ledger keeps payments) for what was paid ahead."""
    ReceivableEntry.objects.bulk_create(
        [
            ReceivableEntry(
                customer=i.customer,
                kind=kind,
                amount=-i.amount if kind == EntryKind.PAYMENT else i.amount,
                entry_date=i.entry_date,
                reference=i.reference,
                note=OPENING_NOTE,
                created_by=user,
            )
            for i in new
        ],
        batch_size=1000,
    )


def check(rows, errors: list[RowError], user) -> list[ReceivableRow]:
    items = sheet.check_rows(rows, errors, _read)
    items = sheet.duplicates(items, lambda i: i.number, errors, _("invoice number"))
    items = CUSTOMER_BY_CODE(items, errors)
    invoices = Invoice.objects.in_bulk({i.number for i in items}, field_name="number")
    return sheet.match_known(
        items,
        errors,
        invoices,
        key=lambda i: i.number,
        same=lambda invoice, i: (
            (invoice.customer_id, invoice.amount, invoice.issue_date, invoice.due_date)
            == (i.customer.pk, i.amount, i.issue_date, i.due_date)
        ),
        column="invoice_number",
        message=_("An invoice with this number already exists with other figures."),
    )


def apply(items: list[ReceivableRow], user) -> Counts:
    sheet.require_perms(user, "finance.issue_invoice")
    new = [i for i in items if not i.known]
    Invoice.objects.bulk_create(
        [
            Invoice(
                number=i.number,
                customer=i.customer,
                period_start=i.issue_date,
                period_end=i.issue_date,
                issue_date=i.issue_date,
                due_date=i.due_date,
                amount=i.amount,
                created_by=user,
            )
            for i in new
        ],
        batch_size=1000,
    )
    _book_on_ledger(new, kind=EntryKind.CHARGE, user=user)
    credit_holds_review_for(customer_ids={i.customer.pk for i in new})
    return Counts.of(items, new)


KIND = ImportKind(
    key="opening_receivables",
    label=gettext_lazy("Opening receivables"),
    permission="finance.issue_invoice",
    columns=COLUMNS,
    check=check,
    apply=apply,
    description=gettext_lazy(
        "One row per unpaid invoice on your first day, with what is still owed on it. "
        "A customer with an invoice more than a month overdue goes on credit hold at once."
    ),
)


# --- Opening prepayments (期初预收) ------------------------------------------------------
#
# Each row is money a customer paid in advance and has not yet used on the
# first day: a payment on the receivable ledger (so the stamp sees it covering
# a prepaid customer's note) with its voucher or bank reference. Like any
# payment it settles the customer's open invoices oldest first, and what is
# left is prepayment. A reference already imported with the same figures is
# left alone (a re-run books nothing twice); with other figures it is refused.


@dataclass
class PrepaymentRow:
    row: int
    customer_code: str
    reference: str
    entry_date: dt.date
    amount: Decimal
    customer: Customer | None = None
    known: bool = False


PREPAYMENT_COLUMNS = (
    Column("customer", gettext_lazy("customer code"), True, "C001"),
    Column("reference", gettext_lazy("voucher or bank reference"), True, "YS2025-0101"),
    Column("date", gettext_lazy("date received"), True, "2025-12-20"),
    Column("amount", gettext_lazy("prepaid amount"), True, "8000.00"),
)


def _read_prepayment(number: int, values: dict) -> PrepaymentRow:
    amount = _positive_amount(values, _("The prepaid amount must be positive."))
    received = sheet.date(values, "date")
    _not_future(received, "date", _("The date is in the future."))
    return PrepaymentRow(
        row=number,
        customer_code=sheet.text(values, "customer", required=True),
        reference=sheet.text(values, "reference", required=True, max_length=60),
        entry_date=received,
        amount=amount,
    )


def check_prepayments(rows, errors: list[RowError], user) -> list[PrepaymentRow]:
    items = sheet.check_rows(rows, errors, _read_prepayment)
    items = sheet.duplicates(items, lambda i: i.reference, errors, _("reference"))
    items = CUSTOMER_BY_CODE(items, errors)
    known = {
        e.reference: e
        for e in ReceivableEntry.objects.filter(
            kind=EntryKind.PAYMENT, reference__in={i.reference for i in items}
        )
    }
    return sheet.match_known(
        items,
        errors,
        known,
        key=lambda i: i.reference,
        same=lambda entry, i: (
            (entry.customer_id, -entry.amount, entry.entry_date)
            == (i.customer.pk, i.amount, i.entry_date)
        ),
        column="reference",
        message=_("A payment with this reference already exists with other figures."),
    )


def apply_prepayments(items: list[PrepaymentRow], user) -> Counts:
    sheet.require_perms(user, "finance.record_payment")
    new = [i for i in items if not i.known]
    _book_on_ledger(new, kind=EntryKind.PAYMENT, user=user)
    for customer_id in sorted({i.customer.pk for i in new}):
        allocate_oldest_first(customer_id=customer_id, user=user)
    credit_holds_review_for(customer_ids={i.customer.pk for i in new})
    return Counts.of(items, new)


OPENING_PREPAYMENTS = ImportKind(
    key="opening_prepayments",
    label=gettext_lazy("Opening prepayments"),
    permission="finance.record_payment",
    columns=PREPAYMENT_COLUMNS,
    check=check_prepayments,
    apply=apply_prepayments,
    description=gettext_lazy(
        "One row per advance payment a customer has not yet used on your first day. "
        "It settles the customer's open invoices first; the rest covers future delivery notes."
    ),
)
