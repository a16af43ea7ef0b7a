"""Invoices (发票) from dispatched delivery notes, by the customer's terms
(DESIGN.md, Receivables):

- prepaid / cash: one invoice per note, made when the note is dispatched
  (called from the dispatch service), due at once;
- monthly: at the start of each month for last month's deliveries, due at the
  end of that month;
- quarterly: after each quarter, due at the end of the month after it.

The charge was booked on the ledger at dispatch; the invoice groups charges
and gives them a due date. A note is on at most one live invoice (a partial
unique constraint), so running the job twice never invoices a note twice.
New invoices take the customer's prepayment at once (oldest first).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.enums import CreditTerms
from customers.models import Customer
from finance.allocation import allocate_oldest_first, reverse_allocations
from finance.credit import lock_customer
from finance.enums import InvoiceStatus
from finance.models import Invoice, InvoiceItem
from salesadmin.clock import add_months, company_today, month_end
from salesadmin.db import locked
from salesadmin.document_numbers import number_last, placeholder_number
from salesadmin.errors import ApplicationError, ConflictError
from salesadmin.transitions import log_step

DOC = "invoice"
ZERO = Decimal("0.00")


def _charged_statuses() -> tuple[str, ...]:
    from orders.enums import NoteStatus

    # Charged on the ledger at dispatch: loaded, waiting for a top-up, or gone.
    return (NoteStatus.DISPATCHED, NoteStatus.AWAITING_TOPUP, NoteStatus.EXITED)


def uninvoiced_notes() -> QuerySet:
    """Dispatched (charged) notes on no live invoice."""
    from orders.models import DeliveryNote

    live = InvoiceItem.objects.filter(delivery_note_id=OuterRef("pk"), active=True)
    # Only a sale's notes are charged: goods out without a sale never are.
    return (
        DeliveryNote.objects.sales()
        .filter(status__in=_charged_statuses(), actual_value__gt=0)
        .exclude(Exists(live))
    )


def invoice_period(terms: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The last complete period invoiced for ``terms`` on ``today`` (None: per note)."""
    if terms == CreditTerms.MONTHLY:
        end = today.replace(day=1) - dt.timedelta(days=1)
        return end.replace(day=1), end
    if terms == CreditTerms.QUARTERLY:
        quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        return add_months(quarter_start, -3), quarter_start - dt.timedelta(days=1)
    return None


def due_date_for(terms: str, *, period_end: dt.date, issue_date: dt.date) -> dt.date:
    """Prepaid: at once. Monthly and quarterly: the end of the month after the period."""
    if terms == CreditTerms.PREPAID:
        return issue_date
    return month_end(add_months(period_end.replace(day=1), 1))


def _dispatch_day(note) -> dt.date:
    return timezone.localdate(note.dispatched_at) if note.dispatched_at else note.issue_date


def _invoice_create(
    *,
    customer: Customer,
    notes: list,
    period_start: dt.date,
    period_end: dt.date,
    issue_date: dt.date,
    due_date: dt.date,
    user,
) -> Invoice:
    """Inside the caller's transaction, the customer locked. The number is taken last."""
    invoice = Invoice.objects.create(
        # Unique placeholder until the gapless number is taken at the end.
        number=placeholder_number(),
        customer=customer,
        period_start=period_start,
        period_end=period_end,
        issue_date=issue_date,
        due_date=due_date,
        amount=sum((n.actual_value for n in notes), ZERO),
        created_by=user,
    )
    # No savepoint (it would cost two round trips on the dispatch): a refusal
    # ends the caller's whole transaction anyway.
    try:
        InvoiceItem.objects.bulk_create(
            [InvoiceItem(invoice=invoice, delivery_note=n, amount=n.actual_value) for n in notes]
        )
    except IntegrityError as exc:
        raise ConflictError(
            _("A delivery note is already on another invoice."), code="note_already_invoiced"
        ) from exc
    rows = allocate_oldest_first(customer_id=customer.pk, user=user)
    paid = sum((r.amount for r in rows if r.invoice_id == invoice.pk), ZERO)
    if paid:
        invoice.paid_amount = paid
        invoice.status = InvoiceStatus.PAID if paid == invoice.amount else InvoiceStatus.OPEN
    number_last(invoice, DOC, year=issue_date.year)
    return invoice


def invoice_on_dispatch(*, note, user) -> Invoice | None:
    """Called by the dispatch service (customer locked): a prepaid/cash customer's
    note is invoiced at once, due today. Credit customers wait for the period job."""
    customer = note.customer
    if customer.credit_terms != CreditTerms.PREPAID or not note.actual_value:
        return None
    today = company_today()
    return _invoice_create(
        customer=customer,
        notes=[note],
        period_start=today,
        period_end=today,
        issue_date=today,
        due_date=today,
        user=user,
    )


def _invoice_customer(*, customer_id: int, today: dt.date, user) -> list[Invoice]:
    """Invoice what is due for one customer, in its own transaction."""
    with transaction.atomic():
        customer = lock_customer(customer_id)
        terms = customer.credit_terms
        period = invoice_period(terms, today)
        notes = uninvoiced_notes().filter(customer=customer).order_by("dispatched_at", "pk")
        if period is not None:
            notes = notes.filter(dispatched_at__date__lte=period[1])
        notes = list(notes)
        if not notes:
            return []
        if period is None:  # prepaid: one invoice per note
            return [
                _invoice_create(
                    customer=customer,
                    notes=[note],
                    period_start=_dispatch_day(note),
                    period_end=_dispatch_day(note),
                    issue_date=today,
                    due_date=today,
                    user=user,
                )
                for note in notes
            ]
        start, end = period
        # A note left over from an earlier period (its invoice voided) comes along.
        start = min(start, *(_dispatch_day(n) for n in notes))
        return [
            _invoice_create(
                customer=customer,
                notes=notes,
                period_start=start,
                period_end=end,
                issue_date=today,
                due_date=due_date_for(terms, period_end=end, issue_date=today),
                user=user,
            )
        ]


def invoices_issue_due(*, today: dt.date | None = None, user=None) -> list[Invoice]:
    """The invoicing job (beat, ``manage.py issue_invoices``, or finance's button):
    every customer's complete period, and any prepaid note not yet invoiced.

    Idempotent: a note on a live invoice is never picked again. Each customer
    is its own transaction, so one refusal does not hold back the rest.
    """
    today = today or company_today()
    candidates = set()
    for terms in CreditTerms.values:
        period = invoice_period(terms, today)
        qs = uninvoiced_notes().filter(customer__credit_terms=terms)
        if period is not None:
            qs = qs.filter(dispatched_at__date__lte=period[1])
        candidates.update(qs.order_by().values_list("customer_id", flat=True).distinct())
    invoices = []
    for customer_id in sorted(candidates):
        invoices.extend(_invoice_customer(customer_id=customer_id, today=today, user=user))
    return invoices


def invoices_issue_due_by(*, user, today: dt.date | None = None) -> list[Invoice]:
    """Finance runs the invoicing job now instead of waiting for the schedule."""
    if not user.has_perm("finance.issue_invoice"):
        raise PermissionDenied
    return invoices_issue_due(today=today, user=user)


def _lock_invoice(invoice: Invoice) -> Invoice:
    lock_customer(invoice.customer_id)
    return locked(Invoice.objects).select_related("customer").get(pk=invoice.pk)


@transaction.atomic
def invoice_set_official_number(*, invoice: Invoice, user, official_number: str) -> Invoice:
    """Finance records the number of the official (tax) invoice (发票号)."""
    if not user.has_perm("finance.issue_invoice"):
        raise PermissionDenied
    official_number = (official_number or "").strip()
    if not official_number:
        raise ApplicationError(
            _("Enter the official invoice number."), code="official_number_required"
        )
    if len(official_number) > 40:
        raise ApplicationError(
            _("The official invoice number is at most 40 characters."),
            code="official_number_too_long",
        )
    invoice = _lock_invoice(invoice)
    if invoice.status == InvoiceStatus.VOID:
        raise ConflictError(_("The invoice is void."), code="invoice_voided")
    if Invoice.objects.filter(official_number=official_number).exclude(pk=invoice.pk).exists():
        raise ApplicationError(
            _("Official invoice number %(number)s is already recorded on another invoice.")
            % {"number": official_number},
            code="duplicate_official_number",
        )
    old = invoice.official_number
    invoice.official_number = official_number
    try:
        with transaction.atomic():
            invoice.save(update_fields=["official_number"])
    except IntegrityError as exc:  # a concurrent booking of the same number
        raise ApplicationError(
            _("Official invoice number %(number)s is already recorded on another invoice.")
            % {"number": official_number},
            code="duplicate_official_number",
        ) from exc
    log_step(
        DOC,
        invoice,
        "official_number",
        user=user,
        from_state=invoice.status,
        to_state=invoice.status,
        comment=f"{old or '-'} -> {official_number}",
    )
    return invoice


@transaction.atomic
def invoice_void(*, invoice: Invoice, user, reason: str) -> Invoice:
    """Void an invoice: its allocations are reversed (the money is prepayment
    again and goes to the other open invoices, oldest first) and its notes are
    freed to be invoiced again. The invoice row and its allocations stay."""
    if not user.has_perm("finance.void_invoice"):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Say why the invoice is voided."), code="reason_required")
    invoice = _lock_invoice(invoice)
    if invoice.status == InvoiceStatus.VOID:
        raise ConflictError(_("The invoice is already void."), code="invoice_voided")
    before = invoice.status
    reverse_allocations(invoice=invoice, user=user)
    invoice.status = InvoiceStatus.VOID
    invoice.void_reason = reason[:300]
    invoice.voided_by = user
    invoice.voided_at = timezone.now()
    invoice.save(update_fields=["status", "void_reason", "voided_by", "voided_at"])
    InvoiceItem.objects.filter(invoice=invoice, active=True).update(active=False)
    log_step(
        DOC,
        invoice,
        "void",
        user=user,
        from_state=before,
        to_state=InvoiceStatus.VOID,
        comment=reason,
    )
    allocate_oldest_first(customer_id=invoice.customer_id, user=user)
    return invoice
