"""Payments, voids and the invoicing job racing on PostgreSQL: the customer is
locked first, then the invoices, so paid amounts never drift from the
allocation rows and no note is invoiced twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from customers.enums import CreditTerms
from finance.enums import InvoiceStatus
from finance.invoicing import invoice_void, invoices_issue_due
from finance.models import Invoice, InvoiceItem, PaymentAllocation
from finance.services import payment_record
from tests.factories import CustomerFactory, UserFactory
from tests.finance.invoice_world import dispatched_on, invoice
from tests.racing import errors, run_together, tally

pytestmark = pytest.mark.django_db(transaction=True)
D = dt.date


def _finance_user():
    from salesadmin.roles import Role

    return UserFactory(username="race-finance", roles=[Role.FINANCE])


def _consistent(customer) -> None:
    for inv in Invoice.objects.filter(customer=customer):
        allocated = inv.allocations.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")
        assert inv.paid_amount == allocated, inv.number
        expected = (
            InvoiceStatus.VOID
            if inv.void_reason
            else InvoiceStatus.PAID
            if inv.paid_amount == inv.amount
            else InvoiceStatus.OPEN
        )
        assert inv.status == expected, inv.number


def test_concurrent_payments_settle_each_cent_once():
    user = _finance_user()
    customer = CustomerFactory(credit_terms=CreditTerms.MONTHLY, credit_limit=Decimal("9999"))
    invoices = [invoice(customer, "100.00", due=D(2026, 1, 1 + i)) for i in range(5)]

    outcomes = run_together(
        lambda i: payment_record(customer=customer, amount="37.50", user=user), n=8
    )

    assert not errors(outcomes) and tally(outcomes)["ok"] == 8
    _consistent(customer)
    paid = sum((Invoice.objects.get(pk=i.pk).paid_amount for i in invoices), Decimal("0"))
    assert paid == Decimal("300.00")  # 8 x 37.50, oldest first
    assert PaymentAllocation.objects.aggregate(s=Sum("amount"))["s"] == Decimal("300.00")


def test_payments_racing_a_void_keep_the_books_consistent():
    user = _finance_user()
    customer = CustomerFactory(credit_terms=CreditTerms.MONTHLY, credit_limit=Decimal("9999"))
    first = invoice(customer, "100.00", due=D(2026, 1, 1))
    invoice(customer, "100.00", due=D(2026, 2, 1))
    payment_record(customer=customer, amount="60.00", user=user)

    def work(i):
        if i == 0:
            return invoice_void(invoice=first, user=user, reason="race")
        return payment_record(customer=customer, amount="20.00", user=user)

    outcomes = run_together(work, n=6)

    assert not errors(outcomes)
    _consistent(customer)
    allocated = PaymentAllocation.objects.aggregate(s=Sum("amount"))["s"]
    assert allocated == Decimal("100.00")  # 60 + 5 x 20, all on the second invoice


def test_two_invoicing_runs_at_once_invoice_each_note_once(chain):
    for day in (D(2026, 10, 5), D(2026, 10, 20)):
        note = chain.dispatched(chain.stamped(chain.note(chain.order(("1",)))))
        dispatched_on(note, day)

    outcomes = run_together(lambda i: len(invoices_issue_due(today=D(2026, 11, 1))), n=4)

    assert not errors(outcomes)
    assert sorted(result for _kind, result in outcomes) == [0, 0, 0, 1]
    assert InvoiceItem.objects.filter(active=True).count() == 2
    assert Invoice.objects.count() == 1
