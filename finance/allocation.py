"""Payment allocation (核销): which payment settles which invoice.

Money comes from payments and credit notes (negative ledger entries); what of
them is not allocated is the customer's prepayment. Allocations are
append-only signed rows; ``Invoice.paid_amount`` and ``status`` are kept in
step in the same transaction. Every function here runs inside the caller's
transaction with the customer row locked first (``finance.credit.lock_customer``),
then the invoices, by id: one lock order everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from finance.enums import EntryKind, InvoiceStatus
from finance.models import Invoice, PaymentAllocation, ReceivableEntry, Refund
from salesadmin.db import locked
from salesadmin.decimal_input import parse_money
from salesadmin.errors import ApplicationError, ConflictError

ZERO = Decimal("0.00")
MONEY_KINDS = (EntryKind.PAYMENT, EntryKind.CREDIT_NOTE)
# Prepayment = money in less what was allocated: a refund paid back out of
# it (a positive entry) counts in the same sum.
PREPAYMENT_KINDS = (*MONEY_KINDS, EntryKind.REFUND)


def refunded_from() -> Coalesce:
    """What refunds have paid back out of an entry's money (a subquery: no join
    that would multiply the entry's allocations)."""
    sums = (
        Refund.objects.filter(source_id=OuterRef("pk"))
        .order_by()
        .values("source_id")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return Coalesce(Subquery(sums), ZERO)


@dataclass
class HandAllocation:
    invoice: Invoice
    amount: Decimal


def unallocated_money(*, customer_id: int) -> list[tuple[int, Decimal]]:
    """(entry id, amount not yet allocated) of the customer's payments and
    credit notes with money left, oldest first."""
    rows = (
        ReceivableEntry.objects.filter(customer_id=customer_id, kind__in=MONEY_KINDS)
        .annotate(allocated=Coalesce(Sum("allocations__amount"), ZERO))
        .annotate(refunded=refunded_from())
        .annotate(left=-F("amount") - F("allocated") - F("refunded"))
        .filter(left__gt=0)
        .order_by("entry_date", "id")
        .values_list("pk", "left")
    )
    return list(rows)


def prepayment_balance(*, customer_id: int) -> Decimal:
    """Money received (or credited) and not allocated to any invoice."""
    money = (
        ReceivableEntry.objects.filter(
            customer_id=customer_id, kind__in=PREPAYMENT_KINDS
        ).aggregate(s=Sum("amount"))["s"]
        or ZERO
    )
    allocated = (
        PaymentAllocation.objects.filter(payment__customer_id=customer_id).aggregate(
            s=Sum("amount")
        )["s"]
        or ZERO
    )
    return -money - allocated


def _settle(invoices: dict[int, Invoice], rows: list[PaymentAllocation]) -> None:
    """Write the allocation rows and bring the invoices' paid amounts in step."""
    if not rows:
        return
    PaymentAllocation.objects.bulk_create(rows)
    changed = {}
    for row in rows:
        invoice = invoices[row.invoice_id]
        invoice.paid_amount += row.amount
        if invoice.status != InvoiceStatus.VOID:
            invoice.status = (
                InvoiceStatus.PAID if invoice.paid_amount == invoice.amount else InvoiceStatus.OPEN
            )
        changed[invoice.pk] = invoice
    if len(changed) == 1:  # the common case (a new invoice): a plain UPDATE, no CASE
        [invoice] = changed.values()
        Invoice.objects.filter(pk=invoice.pk).update(
            paid_amount=invoice.paid_amount, status=invoice.status
        )
        return
    Invoice.objects.bulk_update(list(changed.values()), ["paid_amount", "status"])


def allocate_oldest_first(*, customer_id: int, user) -> list[PaymentAllocation]:
    """Apply every unallocated payment (oldest first) to the open invoices,
    oldest due first. Two queries when there is nothing to do."""
    money = unallocated_money(customer_id=customer_id)
    if not money:
        return []
    invoices = list(
        locked(Invoice.objects.filter(customer_id=customer_id, status=InvoiceStatus.OPEN)).order_by(
            "pk"
        )
    )
    if not invoices:
        return []
    invoices.sort(key=lambda inv: (inv.due_date, inv.pk))
    rows = []
    money_iter = iter(money)
    entry_id, left = next(money_iter)
    for invoice in invoices:
        owed = invoice.amount - invoice.paid_amount
        while owed > 0:
            if left <= 0:
                nxt = next(money_iter, None)
                if nxt is None:
                    break
                entry_id, left = nxt
            take = min(owed, left)
            rows.append(
                PaymentAllocation(
                    payment_id=entry_id, invoice_id=invoice.pk, amount=take, created_by=user
                )
            )
            owed -= take
            left -= take
        if owed > 0:
            break  # the money ran out
    _settle({inv.pk: inv for inv in invoices}, rows)
    return rows


def allocate_by_hand(
    *, payment: ReceivableEntry, allocations: list[HandAllocation], user
) -> list[PaymentAllocation]:
    """Finance chooses the invoices and amounts; what is left stays prepayment."""
    if not allocations:
        return []
    ids = [a.invoice.pk for a in allocations]
    if len(set(ids)) != len(ids):
        raise ApplicationError(_("An invoice is given twice."), code="duplicate_invoice")
    invoices = {inv.pk: inv for inv in locked(Invoice.objects.filter(pk__in=ids)).order_by("pk")}
    available = (
        -payment.amount
        - (payment.allocations.aggregate(s=Sum("amount"))["s"] or ZERO)
        - (payment.refunds.aggregate(s=Sum("amount"))["s"] or ZERO)
    )
    total = ZERO
    rows = []
    for given in allocations:
        invoice = invoices[given.invoice.pk]
        amount = parse_money(given.amount, code="invalid_allocation")
        if invoice.customer_id != payment.customer_id:
            raise ApplicationError(
                _("Invoice %(number)s belongs to another customer.") % {"number": invoice.number},
                code="invoice_other_customer",
            )
        if invoice.status != InvoiceStatus.OPEN:
            raise ConflictError(
                _("Invoice %(number)s is %(status)s: nothing can be allocated to it.")
                % {"number": invoice.number, "status": invoice.get_status_display()},
                code="invoice_not_open",
            )
        if amount <= 0:
            raise ApplicationError(
                _("Allocated amounts must be positive."), code="invalid_allocation"
            )
        if amount > invoice.amount - invoice.paid_amount:
            raise ApplicationError(
                _("Invoice %(number)s has only %(open)s open; %(amount)s is too much.")
                % {
                    "number": invoice.number,
                    "open": f"{invoice.amount - invoice.paid_amount:,.2f}",
                    "amount": f"{amount:,.2f}",
                },
                code="over_allocation",
            )
        total += amount
        rows.append(
            PaymentAllocation(
                payment_id=payment.pk, invoice_id=invoice.pk, amount=amount, created_by=user
            )
        )
    if total > available:
        raise ApplicationError(
            _("%(total)s allocated but the payment has only %(available)s to allocate.")
            % {"total": f"{total:,.2f}", "available": f"{available:,.2f}"},
            code="over_allocation",
        )
    _settle(invoices, rows)
    return rows


def reverse_allocations(*, invoice: Invoice, user) -> list[PaymentAllocation]:
    """Give back everything allocated to ``invoice`` (locked by the caller) with
    negative rows: the money is prepayment again."""
    nets = (
        PaymentAllocation.objects.filter(invoice=invoice)
        .values("payment_id")
        .annotate(net=Sum("amount"))
        .filter(net__gt=0)
        .order_by("payment_id")
    )
    rows = [
        PaymentAllocation(
            payment_id=row["payment_id"], invoice_id=invoice.pk, amount=-row["net"], created_by=user
        )
        for row in nets
    ]
    _settle({invoice.pk: invoice}, rows)
    return rows
