"""Allowances (销售折让): a price reduction after delivery, on a dispatched note
or an invoice, approved level by level by amount (approvals/); the final
approval issues the credit note in the same transaction.

Locks in the one order: the customer, the allowance, invoices, the number.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.document_flow import approve_at_level, reject_at_level, without_decisions_above
from approvals.services import first_level
from finance.credit_notes import CreditLine, credit_note_issue
from finance.enums import CreditNoteSource, InvoiceStatus
from finance.models import Invoice
from orders.enums import NoteStatus
from orders.models import DeliveryNote, DeliveryNoteLine
from returns.enums import AllowanceReason, AllowanceStatus
from returns.models import Allowance, AllowanceLine
from returns.services.common import (
    available_actions,
    lock_customer_of,
    lock_document,
)
from salesadmin.decimal_input import parse_money, round_money
from salesadmin.document_numbers import number_last, placeholder_number
from salesadmin.errors import ApplicationError
from salesadmin.transitions import cancel_with_reason, check_state_and_role, run_transition

DOC = "allowance"
DELIVERED_STATUSES = (NoteStatus.DISPATCHED, NoteStatus.EXITED)
LIVE_STATUSES = (AllowanceStatus.DRAFT, AllowanceStatus.SUBMITTED, AllowanceStatus.APPROVED)


@dataclass
class AllowanceLineInput:
    """A per-unit reduction on a note line (``note_line`` and ``unit_reduction``)."""

    note_line: DeliveryNoteLine
    unit_reduction: Decimal


def _document_value(note: DeliveryNote | None, invoice: Invoice | None) -> Decimal:
    if invoice is not None:
        return invoice.amount
    return note.actual_value or Decimal("0.00")


def _earlier_allowances(note: DeliveryNote | None, invoice: Invoice | None) -> Decimal:
    qs = Allowance.objects.filter(status__in=LIVE_STATUSES)
    qs = qs.filter(invoice=invoice) if invoice is not None else qs.filter(delivery_note=note)
    return qs.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")


@transaction.atomic
def allowance_create(
    *,
    user,
    reason: str,
    customer_reference: str,
    delivery_note: DeliveryNote | None = None,
    invoice: Invoice | None = None,
    amount=None,
    lines: list[AllowanceLineInput] | None = None,
    reason_detail: str = "",
) -> Allowance:
    """Request an allowance: an ``amount``, or per-unit reductions on chosen
    ``lines`` of the note (or of the invoice's notes). Never more than the
    document's value less earlier allowances still alive."""
    if not user.has_perm("returns.submit_allowance"):
        raise PermissionDenied
    if (delivery_note is None) == (invoice is None):
        raise ApplicationError(_("Choose a delivery note or an invoice."), code="note_or_invoice")
    if invoice is not None:
        customer = lock_customer_of(Invoice, invoice.pk)
        invoice = Invoice.objects.get(pk=invoice.pk)
        if invoice.status == InvoiceStatus.VOID:
            raise ApplicationError(_("The invoice is void."), code="invoice_voided")
        note_ids = list(
            invoice.items.filter(active=True).values_list("delivery_note_id", flat=True)
        )
    else:
        customer = lock_customer_of(DeliveryNote, delivery_note.pk)
        delivery_note = DeliveryNote.objects.get(pk=delivery_note.pk)
        if delivery_note.status not in DELIVERED_STATUSES:
            raise ApplicationError(
                _("An allowance is given only on a note that was dispatched."),
                code="goods_not_delivered",
            )
        note_ids = [delivery_note.pk]
    if reason not in AllowanceReason.values:
        raise ApplicationError(_("Choose the reason of the allowance."), code="invalid_reason")
    customer_reference = (customer_reference or "").strip()
    if not customer_reference:
        raise ApplicationError(
            _("Enter the reference of the customer's request."),
            code="customer_reference_required",
        )
    rows = []
    lines = [ln for ln in (lines or []) if ln.unit_reduction not in (None, "")]
    if lines and amount not in (None, ""):
        raise ApplicationError(
            _("Give either an amount or reductions per unit, not both."),
            code="amount_or_lines",
        )
    if lines:
        ids = [ln.note_line.pk for ln in lines]
        if len(set(ids)) != len(ids):
            raise ApplicationError(_("A line is given twice."), code="duplicate_line")
        note_lines = {
            nl.pk: nl
            for nl in DeliveryNoteLine.objects.select_related("product", "note").filter(pk__in=ids)
        }
        for given in lines:
            line = note_lines.get(given.note_line.pk)
            if line is None or line.note_id not in note_ids:
                raise ApplicationError(
                    _("The line is not on the chosen document."), code="line_not_on_document"
                )
            reduction = parse_money(given.unit_reduction, code="invalid_amount")
            if reduction <= 0 or reduction > line.unit_price:
                raise ApplicationError(
                    _("%(product)s: the reduction per unit must be above 0 and at most %(price)s.")
                    % {"product": line.product.name, "price": line.unit_price},
                    code="invalid_amount",
                )
            quantity = line.actual_quantity or line.quantity
            rows.append(
                AllowanceLine(
                    note_line=line,
                    description=f"{line.note.number} {line.product}",
                    quantity=quantity,
                    unit_reduction=reduction,
                    amount=round_money(quantity * reduction),
                )
            )
    else:
        value = parse_money(amount if amount not in (None, "") else "0", code="invalid_amount")
        if value <= 0:
            raise ApplicationError(_("The amount must be positive."), code="invalid_amount")
        document = invoice.number if invoice is not None else delivery_note.number
        rows.append(AllowanceLine(description=str(document), amount=value))
    total = sum((r.amount for r in rows), Decimal("0.00"))
    room = _document_value(delivery_note, invoice) - _earlier_allowances(delivery_note, invoice)
    if total > room:
        raise ApplicationError(
            _("The allowance of %(total)s is more than the %(room)s left on the document.")
            % {"total": f"{total:,.2f}", "room": f"{room:,.2f}"},
            code="over_value",
        )
    allowance = Allowance.objects.create(
        number=placeholder_number(),
        customer=customer,
        delivery_note=delivery_note,
        invoice=invoice,
        reason=reason,
        reason_detail=(reason_detail or "").strip()[:300],
        customer_reference=customer_reference[:60],
        amount=total,
        created_by=user,
    )
    for row in rows:
        row.allowance = allowance
    AllowanceLine.objects.bulk_create(rows)
    number_last(allowance, DOC)
    return allowance


def _lock(allowance: Allowance, *, customer: bool = False) -> Allowance:
    return lock_document(
        Allowance.objects.select_related("waiting_level"), allowance.pk, customer=customer
    )


@transaction.atomic
def allowance_submit(*, allowance: Allowance, user) -> Allowance:
    """It waits for the lowest approval level."""
    allowance = _lock(allowance)
    check_state_and_role(allowance, "submit", user=user)
    return run_transition(
        allowance, "submit", user=user, document_type=DOC, at=timezone.now(), level=first_level()
    )


@transaction.atomic
def allowance_approve(*, allowance: Allowance, user, comment: str = "") -> Allowance:
    """One approver's approval: final within their limit (the credit note is
    issued now), else the allowance goes on to the next level. Logged."""
    allowance = _lock(allowance, customer=True)
    return approve_at_level(
        allowance,
        user=user,
        document_type=DOC,
        amount=allowance.amount,
        comment=comment,
        on_final=lambda: {"credit_note": _credit_note_issue(allowance, user=user)},
    )


def _credit_note_issue(allowance: Allowance, *, user):
    return credit_note_issue(
        customer=allowance.customer,
        source=CreditNoteSource.ALLOWANCE,
        source_id=allowance.pk,
        source_number=allowance.number,
        delivery_note=allowance.delivery_note,
        invoice=allowance.invoice,
        lines=[
            CreditLine(
                description=line.description,
                amount=line.amount,
                product_id=line.note_line.product_id if line.note_line_id else None,
                quantity=line.quantity,
                unit_price=line.unit_reduction,
            )
            for line in allowance.lines.select_related("note_line").order_by("pk")
        ],
        user=user,
        reason=_("Allowance %(number)s: %(reason)s")
        % {"number": allowance.number, "reason": allowance.get_reason_display()},
        customer_reference=allowance.customer_reference,
    )


@transaction.atomic
def allowance_reject(*, allowance: Allowance, user, comment: str) -> Allowance:
    allowance = _lock(allowance)
    return reject_at_level(
        allowance, user=user, document_type=DOC, amount=allowance.amount, comment=comment
    )


@transaction.atomic
def allowance_cancel(*, allowance: Allowance, user, reason: str) -> Allowance:
    allowance = _lock(allowance)
    return cancel_with_reason(allowance, user=user, document_type=DOC, reason=reason)


ALLOWANCE_ACTIONS = {
    "submit": "submit",
    "forward": "approve",
    "approve": "approve",
    "reject": "reject",
    "cancel": "cancel",
}


def allowance_actions(allowance: Allowance, user) -> list[str]:
    """The actions this user may take now: approving also needs the level."""
    return without_decisions_above(
        available_actions(allowance, user, ALLOWANCE_ACTIONS), allowance, user
    )
