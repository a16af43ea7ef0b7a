"""Helpers for the invoicing, allocation and hold tests: invoices made the real
way (from dispatched notes through the services) or, where only the money
matters, written straight to the table together with their ledger charge."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from finance.enums import EntryKind
from finance.models import Invoice, ReceivableEntry
from orders.models import DeliveryNote

_seq = iter(range(1, 10**6))


def invoice(customer, amount: str, *, due: dt.date, issued: dt.date | None = None) -> Invoice:
    """An open invoice and the ledger charge behind it (as dispatch + invoicing would)."""
    issued = issued or due
    ReceivableEntry.objects.create(
        customer=customer, kind=EntryKind.CHARGE, amount=Decimal(amount), entry_date=issued
    )
    return Invoice.objects.create(
        number=f"T-INV-{next(_seq):06d}",
        customer=customer,
        period_start=issued,
        period_end=issued,
        issue_date=issued,
        due_date=due,
        amount=Decimal(amount),
    )


def dispatched_on(note: DeliveryNote, day: dt.date) -> DeliveryNote:
    """Pretend the note was dispatched on ``day`` (company time zone, mid-day)."""
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))
    DeliveryNote.objects.filter(pk=note.pk).update(dispatched_at=at)
    note.refresh_from_db()
    return note


def money(value: str) -> Decimal:
    return Decimal(value)
