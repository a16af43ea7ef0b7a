"""Payments settle invoices: oldest due first by default, or by hand; what is
not allocated is prepayment and settles invoices made later; voiding an
invoice gives its money back with negative allocation rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from customers.enums import CreditTerms
from finance.allocation import HandAllocation, prepayment_balance
from finance.credit import credit_position
from finance.enums import InvoiceStatus
from finance.invoicing import invoice_void
from finance.models import InvoiceItem, PaymentAllocation, ReceivableEntry
from finance.services import payment_record
from notices.models import Notice
from salesadmin.errors import ApplicationError, ConflictError
from salesadmin.models import TransitionLog
from tests.factories import CustomerFactory
from tests.finance.invoice_world import invoice, monthly_customer

pytestmark = pytest.mark.django_db

JAN15, JAN31, FEB28 = dt.date(2026, 1, 15), dt.date(2026, 1, 31), dt.date(2026, 2, 28)


@pytest.fixture
def customer(clerk):
    return monthly_customer(clerk)


def _state(inv):
    inv.refresh_from_db()
    return inv.paid_amount, inv.status


def test_a_payment_settles_the_oldest_due_invoice_first(customer, finance):
    feb = invoice(customer, "200.00", due=FEB28)
    jan31 = invoice(customer, "100.00", due=JAN31)
    jan15 = invoice(customer, "50.00", due=JAN15)

    payment_record(customer=customer, amount="180.00", user=finance)

    assert _state(jan15) == (Decimal("50.00"), InvoiceStatus.PAID)
    assert _state(jan31) == (Decimal("100.00"), InvoiceStatus.PAID)
    assert _state(feb) == (Decimal("30.00"), InvoiceStatus.OPEN)
    assert prepayment_balance(customer_id=customer.pk) == Decimal("0.00")
    assert credit_position(customer=customer).balance == Decimal("170.00")


def test_cents_are_not_lost_when_a_payment_spreads_over_invoices(customer, finance):
    invoices = [invoice(customer, a, due=JAN31) for a in ("33.33", "33.33", "33.34")]

    payment_record(customer=customer, amount="100.00", user=finance)

    assert [_state(i) for i in invoices] == [
        (Decimal("33.33"), InvoiceStatus.PAID),
        (Decimal("33.33"), InvoiceStatus.PAID),
        (Decimal("33.34"), InvoiceStatus.PAID),
    ]
    assert PaymentAllocation.objects.count() == 3


def test_money_beyond_the_open_invoices_is_prepayment(customer, finance):
    inv = invoice(customer, "100.00", due=JAN31)

    payment_record(customer=customer, amount="250.55", user=finance)

    assert _state(inv) == (Decimal("100.00"), InvoiceStatus.PAID)
    assert prepayment_balance(customer_id=customer.pk) == Decimal("150.55")
    assert credit_position(customer=customer).balance == Decimal("-150.55")


def test_several_payments_settle_one_invoice_in_parts(customer, finance):
    inv = invoice(customer, "100.00", due=JAN31)

    payment_record(customer=customer, amount="40.00", user=finance)
    assert _state(inv) == (Decimal("40.00"), InvoiceStatus.OPEN)
    payment_record(customer=customer, amount="60.00", user=finance)

    assert _state(inv) == (Decimal("100.00"), InvoiceStatus.PAID)


def test_prepayment_settles_an_invoice_made_later(chain, finance):
    # Given a prepaid customer who paid 1,000.00 in advance
    customer = CustomerFactory(credit_terms=CreditTerms.PREPAID)
    payment_record(customer=customer, amount="1000.00", user=finance)
    assert prepayment_balance(customer_id=customer.pk) == Decimal("1000.00")

    # When a note worth 300.00 is dispatched (invoiced at once)
    note = chain.dispatched(chain.stamped(chain.note(chain.order(("10",), customer=customer))))

    # Then its invoice is paid from the prepayment and 700.00 is left
    item = InvoiceItem.objects.get(delivery_note=note, active=True)
    assert _state(item.invoice) == (Decimal("300.00"), InvoiceStatus.PAID)
    assert prepayment_balance(customer_id=customer.pk) == Decimal("700.00")


def test_finance_allocates_by_hand_and_keeps_the_rest_as_prepayment(customer, finance):
    old = invoice(customer, "100.00", due=JAN15)
    new = invoice(customer, "200.00", due=FEB28)

    payment_record(
        customer=customer,
        amount="250.00",
        user=finance,
        allocations=[HandAllocation(invoice=new, amount=Decimal("200.00"))],
    )

    assert _state(new) == (Decimal("200.00"), InvoiceStatus.PAID)
    assert _state(old) == (Decimal("0.00"), InvoiceStatus.OPEN)  # not oldest first
    assert prepayment_balance(customer_id=customer.pk) == Decimal("50.00")


def test_an_empty_hand_allocation_keeps_everything_as_prepayment(customer, finance):
    inv = invoice(customer, "100.00", due=JAN15)

    payment_record(customer=customer, amount="80.00", user=finance, allocations=[])

    assert _state(inv) == (Decimal("0.00"), InvoiceStatus.OPEN)
    assert prepayment_balance(customer_id=customer.pk) == Decimal("80.00")


@pytest.mark.parametrize(
    ("amounts", "code"),
    [
        (("100.01", "0.00"), "over_allocation"),  # more than the invoice's open amount
        (("100.00", "150.01"), "over_allocation"),  # more than the payment
        (("-1.00", "0.00"), "invalid_allocation"),
        (("10.005", "0.00"), "invalid_allocation"),  # money has two places
    ],
)
def test_over_allocation_is_refused_and_nothing_is_booked(customer, finance, amounts, code):
    first = invoice(customer, "100.00", due=JAN15)
    second = invoice(customer, "500.00", due=FEB28)
    given = [
        HandAllocation(invoice=inv, amount=Decimal(a))
        for inv, a in zip((first, second), amounts, strict=True)
        if Decimal(a)
    ]

    with pytest.raises(ApplicationError) as exc:
        payment_record(customer=customer, amount="250.00", user=finance, allocations=given)

    assert exc.value.code == code
    assert not ReceivableEntry.objects.filter(kind="payment").exists()
    assert _state(first) == (Decimal("0.00"), InvoiceStatus.OPEN)


def test_another_customers_invoice_cannot_be_settled(customer, finance):
    other = invoice(CustomerFactory(), "100.00", due=JAN15)

    with pytest.raises(ApplicationError) as exc:
        payment_record(
            customer=customer,
            amount="100.00",
            user=finance,
            allocations=[HandAllocation(invoice=other, amount=Decimal("100.00"))],
        )

    assert exc.value.code == "invoice_other_customer"


def test_a_paid_invoice_takes_no_more_money(customer, finance):
    inv = invoice(customer, "100.00", due=JAN15)
    payment_record(customer=customer, amount="100.00", user=finance)

    with pytest.raises(ConflictError) as exc:
        payment_record(
            customer=customer,
            amount="10.00",
            user=finance,
            allocations=[HandAllocation(invoice=inv, amount=Decimal("10.00"))],
        )

    assert exc.value.code == "invoice_not_open"


def test_voiding_reverses_the_allocations_and_reallocates_the_money(customer, finance, manager):
    # Given two invoices, the older one paid and the newer one unpaid
    old = invoice(customer, "100.00", due=JAN15)
    payment_record(customer=customer, amount="100.00", user=finance)
    new = invoice(customer, "60.00", due=FEB28)

    # When the paid one is voided
    invoice_void(invoice=old, user=finance, reason="wrong customer tax id")

    # Then its allocation is reversed by a negative row, and the money pays the other one
    assert _state(old) == (Decimal("0.00"), InvoiceStatus.VOID)
    assert list(PaymentAllocation.objects.filter(invoice=old).values_list("amount", flat=True)) == [
        Decimal("100.00"),
        Decimal("-100.00"),
    ]
    assert _state(new) == (Decimal("60.00"), InvoiceStatus.PAID)
    assert prepayment_balance(customer_id=customer.pk) == Decimal("40.00")
    log = TransitionLog.objects.get(document_type="invoice", document_id=old.pk)
    assert (log.from_state, log.to_state, log.comment) == ("paid", "void", "wrong customer tax id")


def test_voiding_needs_a_reason_the_right_role_and_a_live_invoice(customer, finance, clerk):
    inv = invoice(customer, "100.00", due=JAN15)

    with pytest.raises(ApplicationError) as exc:
        invoice_void(invoice=inv, user=finance, reason="  ")
    assert exc.value.code == "reason_required"
    with pytest.raises(PermissionDenied):
        invoice_void(invoice=inv, user=clerk, reason="mistake")

    invoice_void(invoice=inv, user=finance, reason="mistake")
    with pytest.raises(ConflictError):
        invoice_void(invoice=inv, user=finance, reason="again")


def test_the_clerk_cannot_record_a_payment(customer, clerk):
    with pytest.raises(PermissionDenied):
        payment_record(customer=customer, amount="10.00", user=clerk)


def test_the_salesperson_is_told_about_a_payment(customer, finance, clerk):
    payment_record(customer=customer, amount="1234.50", user=finance, reference="B-77")

    notice = Notice.objects.get(recipient=clerk)
    assert notice.kind == "payment_received"
    assert "1,234.50" in notice.text and "B-77" in notice.text and customer.name in notice.text


def test_the_payer_is_kept(customer, finance):
    payment = payment_record(
        customer=customer, amount="10.00", user=finance, payer="  Sister Company Ltd "
    )
    payment.refresh_from_db()
    assert payment.payer == "Sister Company Ltd"
