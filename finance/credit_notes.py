"""Credit notes (贷项通知单) and refunds (退款).

A return's receipt and an allowance's final approval each issue one credit
note in their own transaction: a credit (negative entry, kind credit_note) on
the customer's receivable ledger, allocated to the invoice it corrects (given,
or the live invoice of the corrected delivery note), then like a payment to the
oldest open invoices; what is left is prepayment. Balance, credit check,
statements and aging read the ledger and the invoices, so they see it at once,
and an automatic credit hold is lifted by the same rule payments use.

A refund pays money back out of a credit note's (or payment's) unallocated
rest, with the bank reference: a positive ledger entry of kind refund.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from customers.models import Customer
from finance.allocation import HandAllocation, allocate_by_hand, allocate_oldest_first
from finance.credit import credit_hold_lift_if_paid
from finance.enums import CreditNoteSource, EntryKind, InvoiceStatus
from finance.models import (
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceItem,
    ReceivableEntry,
    Refund,
)
from salesadmin.clock import company_today
from salesadmin.db import locked
from salesadmin.decimal_input import parse_money
from salesadmin.document_numbers import next_number
from salesadmin.errors import ApplicationError
from salesadmin.money_docs import company_letterhead

DOC = "credit_note"
ZERO = Decimal("0.00")


@dataclass
class CreditLine:
    description: str
    amount: Decimal
    product_id: int | None = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None


def corrected_invoice(*, delivery_note_id: int | None) -> Invoice | None:
    """The live invoice a delivery note's charge is on (None: not invoiced yet)."""
    if delivery_note_id is None:
        return None
    item = (
        InvoiceItem.objects.filter(delivery_note_id=delivery_note_id, active=True)
        .select_related("invoice")
        .first()
    )
    return item.invoice if item else None


def credit_note_issue(
    *,
    customer: Customer,
    source: str,
    source_id: int,
    source_number: str,
    lines: list[CreditLine],
    user,
    delivery_note=None,
    invoice: Invoice | None = None,
    reason: str = "",
    customer_reference: str = "",
) -> CreditNote:
    """Issue the credit note of a return or an allowance, inside the caller's
    transaction. The caller holds the customer's row lock (first in the one
    lock order) and the source document's; its state machine makes this run
    once per source, and a unique constraint refuses a second one anyway."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("credit_note_issue runs inside the caller's transaction")
    if source not in CreditNoteSource.values:
        raise ApplicationError(_("Unknown credit note source."), code="invalid_source")
    amount = sum((line.amount for line in lines), ZERO)
    if amount <= 0 or any(line.amount <= 0 for line in lines):
        raise ApplicationError(_("A credit note needs a positive amount."), code="invalid_amount")
    if invoice is None and delivery_note is not None:
        invoice = corrected_invoice(delivery_note_id=delivery_note.pk)
    today = company_today()
    number = next_number(DOC, year=today.year)
    entry = ReceivableEntry.objects.create(
        customer=customer,
        kind=EntryKind.CREDIT_NOTE,
        amount=-amount,
        entry_date=today,
        reference=number,
        delivery_note=delivery_note,
        note=f"{source_number} {reason}".strip()[:300],
        created_by=user,
    )
    try:
        with transaction.atomic():
            credit_note = CreditNote.objects.create(
                number=number,
                customer=customer,
                source=source,
                source_id=source_id,
                source_number=source_number,
                delivery_note=delivery_note,
                invoice=invoice,
                issue_date=today,
                amount=amount,
                reason=reason[:300],
                customer_reference=customer_reference[:60],
                entry=entry,
                created_by=user,
            )
    except IntegrityError as exc:
        raise ApplicationError(
            _("A credit note was already issued for %(document)s.") % {"document": source_number},
            code="credit_note_exists",
        ) from exc
    CreditNoteLine.objects.bulk_create(
        [
            CreditNoteLine(
                credit_note=credit_note,
                product_id=line.product_id,
                description=line.description[:300],
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.amount,
            )
            for line in lines
        ]
    )
    # The corrected invoice first, then (like a payment) the oldest open ones.
    if invoice is not None:
        invoice = locked(Invoice.objects).get(pk=invoice.pk)
        if invoice.status == InvoiceStatus.OPEN and invoice.open_amount > 0:
            allocate_by_hand(
                payment=entry,
                allocations=[
                    HandAllocation(invoice=invoice, amount=min(amount, invoice.open_amount))
                ],
                user=user,
            )
    allocate_oldest_first(customer_id=customer.pk, user=user)
    credit_hold_lift_if_paid(customer=customer)
    return credit_note


def money_left(entry: ReceivableEntry) -> Decimal:
    """A payment's or credit note's money not allocated to invoices nor refunded."""
    allocated = entry.allocations.aggregate(s=Sum("amount"))["s"] or ZERO
    refunded = entry.refunds.aggregate(s=Sum("amount"))["s"] or ZERO
    return -entry.amount - allocated - refunded


@transaction.atomic
def refund_record(
    *,
    source: ReceivableEntry,
    amount,
    reference: str,
    user,
    refund_date: dt.date | None = None,
) -> Refund:
    """退款: pay back money the customer has with us (a credit note's or a
    payment's unallocated rest) by bank transfer, with its reference."""
    if not user.has_perm("finance.record_refund"):
        raise PermissionDenied
    amount = parse_money(amount)
    if amount <= 0:
        raise ApplicationError(_("The amount must be positive."), code="invalid_amount")
    reference = (reference or "").strip()
    if not reference:
        raise ApplicationError(
            _("Enter the bank reference of the refund."), code="reference_required"
        )
    # Lock order: the customer first, as every money movement does.
    customer = locked(Customer.objects).get(
        pk=ReceivableEntry.objects.values_list("customer_id", flat=True).get(pk=source.pk)
    )
    source = ReceivableEntry.objects.get(pk=source.pk)
    if source.kind not in (EntryKind.PAYMENT, EntryKind.CREDIT_NOTE):
        raise ApplicationError(
            _("Only a payment or a credit note can be paid back."), code="invalid_source"
        )
    left = money_left(source)
    if amount > left:
        raise ApplicationError(
            _("Only %(left)s of %(reference)s is not allocated; %(amount)s cannot be paid back.")
            % {
                "left": f"{left:,.2f}",
                "reference": source.reference or source.pk,
                "amount": f"{amount:,.2f}",
            },
            code="over_refund",
        )
    if Refund.objects.filter(reference=reference).exists():
        raise ApplicationError(
            _("A refund with reference %(ref)s is already recorded.") % {"ref": reference},
            code="duplicate_reference",
        )
    day = refund_date or company_today()
    entry = ReceivableEntry.objects.create(
        customer=customer,
        kind=EntryKind.REFUND,
        amount=amount,
        entry_date=day,
        reference=reference,
        note=_("Refund of %(source)s") % {"source": source.reference or source.pk},
        created_by=user,
    )
    return Refund.objects.create(
        customer=customer,
        source=source,
        entry=entry,
        amount=amount,
        reference=reference,
        refund_date=day,
        created_by=user,
    )


# --- the printed credit note -------------------------------------------------------------

SOURCE_LABELS_ZH = {
    CreditNoteSource.RETURN: "退货 Return",
    CreditNoteSource.ALLOWANCE: "销售折让 Allowance",
}


def credit_note_pdf_context(credit_note: CreditNote) -> dict:
    from salesadmin.pdf import money_text, rmb_capital

    customer = credit_note.customer
    allocated = [
        {"invoice": a.invoice.number, "amount": money_text(a.amount)}
        for a in credit_note.entry.allocations.select_related("invoice").order_by("id")
    ]
    return {
        "title": f"贷项通知单 {credit_note.number}",
        "ref": credit_note.number,
        **company_letterhead(),
        "credit_note": credit_note,
        "customer": customer,
        "source": SOURCE_LABELS_ZH.get(credit_note.source, credit_note.source),
        "delivery_note": credit_note.delivery_note.number if credit_note.delivery_note else "",
        "invoice": credit_note.invoice.number if credit_note.invoice else "",
        "lines": [
            {
                "description": line.description,
                "quantity": "" if line.quantity is None else f"{line.quantity.normalize():f}",
                "unit_price": money_text(line.unit_price) if line.unit_price is not None else "",
                "amount": money_text(line.amount),
            }
            for line in credit_note.lines.order_by("id")
        ],
        "amount": money_text(credit_note.amount),
        "amount_capital": rmb_capital(credit_note.amount),
        "allocated": allocated,
        "left": money_text(money_left(credit_note.entry)),
    }


def render_credit_note(credit_note: CreditNote) -> bytes:
    from salesadmin.pdf import render_pdf

    return render_pdf("pdf/credit_note.html", credit_note_pdf_context(credit_note))


def credit_note_filename(credit_note: CreditNote) -> str:
    return f"credit-note-{credit_note.number}.pdf"
