"""Invoices from dispatched notes by terms: prepaid per note at dispatch (due at
once), monthly for last month (due that month's end), quarterly after the
quarter (due the end of the month after it). The job is idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from customers.enums import CreditTerms
from finance.enums import InvoiceStatus
from finance.invoicing import (
    due_date_for,
    invoice_period,
    invoice_set_official_number,
    invoice_void,
    invoices_issue_due,
    invoices_issue_due_by,
)
from finance.models import Invoice, InvoiceItem
from salesadmin.clock import company_today
from salesadmin.errors import ApplicationError, ConflictError
from tests.factories import CustomerFactory
from tests.finance.invoice_world import dispatched_on

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.mark.parametrize(
    ("terms", "today", "period", "due"),
    [
        (CreditTerms.MONTHLY, D(2026, 11, 1), (D(2026, 10, 1), D(2026, 10, 31)), D(2026, 11, 30)),
        (CreditTerms.MONTHLY, D(2026, 3, 1), (D(2026, 2, 1), D(2026, 2, 28)), D(2026, 3, 31)),
        (CreditTerms.MONTHLY, D(2027, 1, 1), (D(2026, 12, 1), D(2026, 12, 31)), D(2027, 1, 31)),
        (CreditTerms.QUARTERLY, D(2026, 4, 1), (D(2026, 1, 1), D(2026, 3, 31)), D(2026, 4, 30)),
        (CreditTerms.QUARTERLY, D(2026, 10, 1), (D(2026, 7, 1), D(2026, 9, 30)), D(2026, 10, 31)),
        # Q4 → due 31 January of the next year
        (CreditTerms.QUARTERLY, D(2027, 1, 1), (D(2026, 10, 1), D(2026, 12, 31)), D(2027, 1, 31)),
        # Later in a quarter, the last complete quarter is still the one before
        (CreditTerms.QUARTERLY, D(2027, 2, 15), (D(2026, 10, 1), D(2026, 12, 31)), D(2027, 1, 31)),
    ],
)
def test_periods_and_due_dates_by_terms(terms, today, period, due):
    assert invoice_period(terms, today) == period
    assert due_date_for(terms, period_end=period[1], issue_date=today) == due


def test_prepaid_is_due_on_the_invoice_date():
    assert invoice_period(CreditTerms.PREPAID, D(2026, 5, 5)) is None
    assert due_date_for(
        CreditTerms.PREPAID, period_end=D(2026, 5, 5), issue_date=D(2026, 5, 5)
    ) == (D(2026, 5, 5))


def _dispatched(chain, customer, day, qty="10"):
    note = chain.dispatched(chain.stamped(chain.note(chain.order((qty,), customer=customer))))
    return dispatched_on(note, day)


def test_monthly_customer_is_invoiced_for_last_months_deliveries_once(chain):
    customer = chain.customer  # monthly
    october = _dispatched(chain, customer, D(2026, 10, 20))
    october_end = _dispatched(chain, customer, D(2026, 10, 31), qty="5")
    november = _dispatched(chain, customer, D(2026, 11, 1))

    invoices = invoices_issue_due(today=D(2026, 11, 1))

    assert len(invoices) == 1
    inv = Invoice.objects.get()
    assert (inv.period_start, inv.period_end) == (D(2026, 10, 1), D(2026, 10, 31))
    assert (inv.issue_date, inv.due_date) == (D(2026, 11, 1), D(2026, 11, 30))
    assert inv.amount == Decimal("450.00")  # 300.00 + 150.00
    assert set(inv.items.values_list("delivery_note_id", flat=True)) == {
        october.pk,
        october_end.pk,
    }
    assert inv.number == f"INV2026-{1:06d}"

    # Running it again (a retried task, a second beat) invoices nothing twice
    assert invoices_issue_due(today=D(2026, 11, 1)) == []
    assert invoices_issue_due(today=D(2026, 11, 20)) == []

    # Next month the November note is invoiced
    (december,) = invoices_issue_due(today=D(2026, 12, 1))
    assert list(december.items.values_list("delivery_note_id", flat=True)) == [november.pk]
    assert december.due_date == D(2026, 12, 31)
    assert december.number == f"INV2026-{2:06d}"


def test_quarterly_customer_is_invoiced_after_the_quarter(chain):
    customer = CustomerFactory(credit_terms=CreditTerms.QUARTERLY, credit_limit=Decimal("50000.00"))
    october = _dispatched(chain, customer, D(2026, 10, 2))
    december = _dispatched(chain, customer, D(2026, 12, 31))

    assert invoices_issue_due(today=D(2026, 12, 31)) == []
    (inv,) = invoices_issue_due(today=D(2027, 1, 1))

    assert (inv.period_start, inv.period_end, inv.due_date) == (
        D(2026, 10, 1),
        D(2026, 12, 31),
        D(2027, 1, 31),
    )
    assert set(inv.items.values_list("delivery_note_id", flat=True)) == {october.pk, december.pk}
    assert inv.number.startswith("INV2027-")
    assert invoices_issue_due(today=D(2027, 1, 2)) == []


def test_prepaid_note_is_invoiced_when_dispatched_due_at_once(chain, finance):
    from finance.services import payment_record

    customer = CustomerFactory(credit_terms=CreditTerms.PREPAID)
    payment_record(customer=customer, amount="300.00", user=finance)

    note = chain.dispatched(chain.stamped(chain.note(chain.order(("10",), customer=customer))))

    inv = InvoiceItem.objects.get(delivery_note=note, active=True).invoice
    today = company_today()
    assert (inv.issue_date, inv.due_date, inv.amount) == (today, today, Decimal("300.00"))
    assert inv.status == InvoiceStatus.PAID
    assert invoices_issue_due() == []  # nothing left for the job


def test_a_voided_invoices_notes_are_invoiced_again(chain, finance):
    customer = chain.customer
    note = _dispatched(chain, customer, D(2026, 10, 20))
    (first,) = invoices_issue_due(today=D(2026, 11, 1))

    invoice_void(invoice=first, user=finance, reason="wrong amount on the tax invoice")
    (second,) = invoices_issue_due(today=D(2026, 11, 3))

    assert list(second.items.values_list("delivery_note_id", flat=True)) == [note.pk]
    assert second.due_date == D(2026, 11, 30)
    assert InvoiceItem.objects.filter(delivery_note=note, active=True).get().invoice == second


def test_the_database_refuses_a_note_on_two_live_invoices(chain):
    note = _dispatched(chain, chain.customer, D(2026, 10, 20))
    (inv,) = invoices_issue_due(today=D(2026, 11, 1))

    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceItem.objects.create(invoice=inv, delivery_note=note, amount=Decimal("1.00"))


def test_only_finance_runs_the_job_by_hand(chain, clerk, finance):
    _dispatched(chain, chain.customer, D(2026, 10, 20))
    with pytest.raises(PermissionDenied):
        invoices_issue_due_by(user=clerk, today=D(2026, 11, 1))

    assert len(invoices_issue_due_by(user=finance, today=D(2026, 11, 1))) == 1


def test_official_invoice_number(chain, finance, clerk):
    _dispatched(chain, chain.customer, D(2026, 10, 20))
    _dispatched(chain, chain.customer, D(2026, 11, 20))
    (first,) = invoices_issue_due(today=D(2026, 11, 1))
    (second,) = invoices_issue_due(today=D(2026, 12, 1))

    invoice_set_official_number(invoice=first, user=finance, official_number=" 04400123 ")
    first.refresh_from_db()
    assert first.official_number == "04400123"

    with pytest.raises(ApplicationError) as exc:
        invoice_set_official_number(invoice=second, user=finance, official_number="04400123")
    assert exc.value.code == "duplicate_official_number"
    with pytest.raises(ApplicationError):
        invoice_set_official_number(invoice=second, user=finance, official_number="")
    with pytest.raises(PermissionDenied):
        invoice_set_official_number(invoice=second, user=clerk, official_number="1")
    invoice_void(invoice=second, user=finance, reason="duplicate")
    with pytest.raises(ConflictError):
        invoice_set_official_number(invoice=second, user=finance, official_number="2")
