"""Helpers for the receivables tests: notes dispatched on a given day (to be
invoiced the real way, through the services) and, where only the money
matters, invoices from InvoiceFactory, with or without their ledger charge."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from customers.enums import CreditTerms
from customers.models import Customer
from finance.enums import ReminderStatus
from finance.models import Invoice, Reminder
from orders.models import DeliveryNote
from tests.factories import ContactFactory, CustomerFactory, InvoiceFactory


def monthly_customer(salesperson, **fields) -> Customer:
    """The receivables tests' usual customer: monthly terms, a 15,000 credit limit."""
    return CustomerFactory(
        credit_terms=CreditTerms.MONTHLY,
        credit_limit=Decimal("15000.00"),
        salesperson=salesperson,
        **fields,
    )


def qiantang_customer(salesperson) -> Customer:
    """The reminder tests' customer, whose accountant 王会计 receives the letters."""
    customer = CustomerFactory(name="杭州钱塘气体有限公司", salesperson=salesperson)
    ContactFactory(customer=customer, name="王会计", email="wang@qiantang.example")
    return customer


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


def sent_reminders(customer, n: int, *, today: dt.date, **fields) -> None:
    """``n`` sent first-level reminders, for invoices 1 to ``n`` days overdue on ``today``."""
    for days in range(1, n + 1):
        overdue_invoice = overdue(days, today=today, customer=customer)
        Reminder.objects.create(
            invoice=overdue_invoice,
            customer=customer,
            level=1,
            days_overdue=days,
            open_amount=overdue_invoice.amount,
            status=ReminderStatus.SENT,
            **fields,
        )
