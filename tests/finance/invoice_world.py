"""Helpers for the receivables tests: notes dispatched on a given day (to be
invoiced the real way, through the services) and, where only the money
matters, invoices from InvoiceFactory, with or without their ledger charge."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from finance.models import Invoice
from orders.models import DeliveryNote
from tests.factories import InvoiceFactory


def invoice(customer, amount: str, *, due: dt.date, issued: dt.date | None = None) -> Invoice:
    """An open invoice and the ledger charge behind it (as dispatch + invoicing would)."""
    issued = issued or due
    return InvoiceFactory(
        customer=customer,
        amount=Decimal(amount),
        period_start=issued,
        period_end=issued,
        issue_date=issued,
        due_date=due,
        charged=True,
    )


def overdue(days: int, *, today: dt.date, **kwargs) -> Invoice:
    """An open invoice ``days`` past due on ``today`` (no ledger charge)."""
    return InvoiceFactory(due_date=today - dt.timedelta(days=days), **kwargs)


def dispatched_on(note: DeliveryNote, day: dt.date) -> DeliveryNote:
    """Pretend the note was dispatched on ``day`` (company time zone, mid-day)."""
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))
    DeliveryNote.objects.filter(pk=note.pk).update(dispatched_at=at)
    note.refresh_from_db()
    return note


def money(value: str) -> Decimal:
    return Decimal(value)
