"""One credit rule for the stamp, the top-up and the order approval
(finance/credit.py): outstanding = open invoices + dispatched not invoiced +
stamped notes, less prepayment, within the limit and not on hold. It stays a
single cheap query: the stamp and the approval are on the hot path."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from customers.enums import CreditTerms
from finance.credit import credit_position
from finance.invoicing import invoices_issue_due
from finance.selectors import account_summary
from finance.services import payment_record
from orders.enums import ApprovalReason, Coverage, OrderStatus
from orders.services.delivery_notes import delivery_note_stamp
from tests.factories import CustomerFactory
from tests.finance.invoice_world import dispatched_on, invoice

pytestmark = pytest.mark.django_db
D = dt.date


def test_outstanding_is_open_invoices_plus_uninvoiced_plus_stamped_less_prepayment(chain):
    customer = chain.customer
    # Given an invoiced note (300.00), half paid, and a payment ahead of time
    invoiced = chain.dispatched(chain.stamped(chain.note(chain.order(("10",)))))
    dispatched_on(invoiced, D(2026, 1, 10))
    (inv,) = invoices_issue_due(today=D(2026, 2, 1))
    payment_record(customer=customer, amount="150.00", user=chain.finance)
    payment_record(customer=customer, amount="200.00", user=chain.finance, allocations=[])
    # a dispatched note not yet invoiced (150.00) and a stamped one (30.00)
    chain.dispatched(chain.stamped(chain.note(chain.order(("5",)))))
    chain.stamped(chain.note(chain.order(("1",))))

    summary = account_summary(customer=customer)

    assert summary.open_invoices == Decimal("150.00")
    assert summary.uninvoiced == Decimal("150.00")
    assert summary.pending == Decimal("30.00")
    assert summary.prepayment == Decimal("200.00")
    assert summary.outstanding == Decimal("330.00")
    # the credit rule's one-query figure is the same number net of prepayment
    position = credit_position(customer=customer)
    assert position.exposure == summary.exposure == Decimal("130.00")
    assert position.headroom == Decimal("100000.00") - Decimal("130.00")


def test_the_credit_position_is_one_query(chain, django_assert_num_queries):
    chain.stamped(chain.note(chain.order(("1",))))
    with django_assert_num_queries(1):
        credit_position(customer=chain.customer, exclude_note_id=1)


def test_the_stamp_does_not_grow_with_invoices(chain, django_assert_max_num_queries):
    """The stamp reads sums, never one row per invoice."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        delivery_note_stamp(note=chain.note(chain.order(("1",))), user=chain.finance)
    for i in range(30):
        invoice(chain.customer, "1.00", due=D(2026, 1, 1 + i % 28))
    note = chain.note(chain.order(("1",)))
    with django_assert_max_num_queries(len(few)):
        delivery_note_stamp(note=note, user=chain.finance)


def test_order_approval_asks_the_same_credit_rule(chain):
    # Given a monthly customer with a 1,000.00 limit who owes 800.00 on an invoice
    customer = CustomerFactory(credit_terms=CreditTerms.MONTHLY, credit_limit=Decimal("1000.00"))
    invoice(customer, "800.00", due=D(2999, 1, 31))

    # An order of 300.00 would go over: it waits for a manager
    waiting = chain.order(("10",), customer=customer)
    assert waiting.status == OrderStatus.SUBMITTED
    assert [r["code"] for r in waiting.approval_reasons] == [ApprovalReason.CREDIT_EXCEEDED]
    # and the stamp would refuse the same amount
    assert credit_position(customer=customer).coverage_for(Decimal("300.00")) is None

    # After a payment of 100.00 the same order is within credit at both places
    payment_record(customer=customer, amount="100.00", user=chain.finance)
    approved = chain.order(("10",), customer=customer)
    assert approved.status == OrderStatus.APPROVED
    assert credit_position(customer=customer).coverage_for(Decimal("300.00")) == Coverage.CREDIT


def test_prepayment_covers_a_prepaid_customers_note(chain):
    customer = CustomerFactory(credit_terms=CreditTerms.PREPAID)
    note = chain.note(chain.order(("10",), customer=customer))  # 300.00
    payment_record(customer=customer, amount="299.99", user=chain.finance)
    assert credit_position(customer=customer).coverage_for(note.value) is None

    payment_record(customer=customer, amount="0.01", user=chain.finance)

    stamped = delivery_note_stamp(note=note, user=chain.finance)
    assert stamped.coverage == Coverage.PREPAYMENT
