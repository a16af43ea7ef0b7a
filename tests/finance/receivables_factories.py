"""Invoices written straight to the table, until invoicing from delivery notes
is the only way in: the reminder, statement and aging tests need invoices of a
given amount, payment and due date, nothing else."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from customers.models import Contact
from finance.enums import InvoiceStatus
from finance.models import Invoice
from tests.factories import CustomerFactory


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invoice

    number = factory.Sequence(lambda n: f"INV-T{n:06d}")
    customer = factory.SubFactory(CustomerFactory)
    period_start = dt.date(2026, 1, 1)
    period_end = dt.date(2026, 1, 31)
    issue_date = factory.LazyAttribute(lambda o: o.due_date - dt.timedelta(days=30))
    due_date = dt.date(2026, 2, 28)
    amount = Decimal("1000.00")
    paid_amount = Decimal("0.00")
    status = InvoiceStatus.OPEN


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.LazyAttribute(lambda c: f"{c.name.lower().replace(' ', '.')}@customer.example")
    is_primary = True


def overdue(days: int, *, today: dt.date, **kwargs) -> Invoice:
    """An open invoice ``days`` past due on ``today``."""
    return InvoiceFactory(due_date=today - dt.timedelta(days=days), **kwargs)
