"""A credit note changes what the customer owes everywhere at once: beyond
the invoice it corrects it settles the oldest open invoices; the credit check
at the finance stamp sees it; the reminder job reminds only what is still open
and drops a letter for an invoice it settled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from customers.models import Customer
from finance.allocation import prepayment_balance
from finance.enums import InvoiceStatus
from finance.models import Invoice, Reminder
from finance.reminders import reminders_create_due, reminders_send_pending
from orders.enums import NoteStatus
from orders.services.delivery_notes import delivery_note_stamp
from orders.services.sales_orders import sales_order_approve
from returns.services.allowances import allowance_approve
from salesadmin.clock import company_today
from salesadmin.errors import ApplicationError
from tests.finance.invoice_world import invoice as open_invoice

pytestmark = pytest.mark.django_db


def test_beyond_the_corrected_invoice_the_credit_settles_the_oldest_open_ones(world):
    # Given an uninvoiced note (its credit corrects no invoice) and two open
    # invoices, the older one due first
    today = company_today()
    customer = world.chain.customer
    note = world.note()
    older = open_invoice(customer, "100.00", due=today - dt.timedelta(days=20))
    newer = open_invoice(customer, "500.00", due=today - dt.timedelta(days=5))
    head = world.approver("general_manager", "gm")

    # When an allowance of 250.00 on the note is approved
    allowance_approve(allowance=world.allowance(note, amount="250.00"), user=head)

    # Then the oldest invoice is paid, the next one in part, nothing is left over
    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.status, older.paid_amount) == (InvoiceStatus.PAID, Decimal("100.00"))
    assert (newer.status, newer.paid_amount) == (InvoiceStatus.OPEN, Decimal("150.00"))
    assert prepayment_balance(customer_id=customer.pk) == Decimal("0.00")


def test_the_stamp_sees_the_credit_at_once(world):
    # Given a customer at its credit limit: 850.00 owed, 1,000.00 allowed
    customer = world.chain.customer
    Customer.objects.filter(pk=customer.pk).update(credit_limit=Decimal("1000.00"))
    first = world.note()
    chain = world.chain
    order = chain.order(("6",))  # 180.00 more: 1,030.00; a manager lets the order through
    if order.status != "approved":
        order = sales_order_approve(order=order, user=world.manager, comment="老客户")
    waiting = chain.note(order)
    assert waiting.value == Decimal("180.00")
    with pytest.raises(ApplicationError) as refused:
        delivery_note_stamp(note=waiting, user=world.finance)
    assert refused.value.code == "not_covered"

    # When goods of the first note come back (2 × 30.00) and an allowance of 40.00 is given
    world.received(world.approved(world.inspected(world.submitted(world.filed(first)))))
    head = world.approver("department_head", "head")
    allowance_approve(allowance=world.allowance(first, amount="40.00"), user=head)

    # Then the same note is covered: 850 − 60 − 40 + 180 = 930 ≤ 1,000
    stamped = delivery_note_stamp(note=waiting, user=world.finance)
    assert stamped.status == NoteStatus.STAMPED


def test_the_reminder_job_reminds_only_what_is_open_and_drops_settled_letters(world):
    today = company_today()
    customer = world.chain.customer
    reminded = open_invoice(customer, "850.00", due=today - dt.timedelta(days=3))
    note = world.note()
    head = world.approver("general_manager", "gm")

    # A return's credit settles part of the overdue invoice: the reminder asks for the rest
    world.received(world.approved(world.inspected(world.submitted(world.filed(note)))))
    assert reminders_create_due(today=today) == 1
    assert Reminder.objects.get().open_amount == Decimal("790.00")

    # An allowance settles the rest before the letter goes out: it is dropped, none created
    allowance_approve(allowance=world.allowance(note, amount="790.00"), user=head)
    reminded.refresh_from_db()
    assert reminded.status == InvoiceStatus.PAID
    result = reminders_send_pending()
    assert (result.sent, result.dropped) == (0, 1)
    assert reminders_create_due(today=today + dt.timedelta(days=20)) == 0
    assert not Invoice.objects.filter(status=InvoiceStatus.OPEN, customer=customer).exists()
