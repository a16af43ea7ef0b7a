"""Credit notes on the receivable ledger: allocated to the corrected invoice,
then the oldest open ones, the rest prepayment; holds lift at once; refunds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from customers.models import Customer
from finance.allocation import prepayment_balance
from finance.credit import credit_holds_review, credit_position
from finance.credit_notes import money_left, refund_record
from finance.enums import EntryKind, InvoiceStatus
from finance.invoicing import invoices_issue_due
from finance.models import CreditNote, Invoice, ReceivableEntry, Refund
from finance.services import payment_record
from returns.services.allowances import allowance_approve, allowance_create, allowance_submit
from salesadmin.clock import company_today
from salesadmin.errors import ApplicationError
from tests.factories import CustomerFactory
from tests.finance.invoice_world import dispatched_on
from tests.returns.world import ledger_balance

pytestmark = pytest.mark.django_db


def invoiced_note(world):
    """A note dispatched on the last day of last month and invoiced now (850.00)."""
    note = world.note()
    today = company_today()
    dispatched_on(note, today.replace(day=1) - dt.timedelta(days=1))
    [invoice] = invoices_issue_due(today=today)
    return note, invoice


def test_a_returns_credit_settles_the_invoice_it_corrects(world):
    note, invoice = invoiced_note(world)
    assert invoice.amount == Decimal("850.00")
    application = world.received(
        world.approved(world.inspected(world.submitted(world.filed(note))))
    )
    credit = application.credit_note
    invoice.refresh_from_db()
    assert credit.invoice_id == invoice.pk
    assert invoice.paid_amount == Decimal("60.00") and invoice.status == InvoiceStatus.OPEN
    assert ledger_balance(note.customer) == Decimal("790.00")
    assert credit_position(customer=note.customer).exposure == Decimal("790.00")
    assert prepayment_balance(customer_id=note.customer_id) == Decimal("0.00")


def test_what_the_invoice_does_not_need_is_prepayment_and_can_be_refunded(world, finance):
    note, invoice = invoiced_note(world)
    payment_record(customer=note.customer, amount="800.00", user=finance, reference="B-1")
    application = world.received(
        world.approved(world.inspected(world.submitted(world.filed(note))))
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    credit = application.credit_note
    assert money_left(credit.entry) == Decimal("10.00")
    assert prepayment_balance(customer_id=note.customer_id) == Decimal("10.00")
    assert ledger_balance(note.customer) == Decimal("-10.00")

    with pytest.raises(PermissionDenied):
        refund_record(source=credit.entry, amount="10.00", reference="R-1", user=world.clerk)
    with pytest.raises(ApplicationError) as refused:
        refund_record(source=credit.entry, amount="10.01", reference="R-1", user=finance)
    assert refused.value.code == "over_refund"
    with pytest.raises(ApplicationError) as refused:
        refund_record(source=credit.entry, amount="10.00", reference=" ", user=finance)
    assert refused.value.code == "reference_required"

    refund = refund_record(source=credit.entry, amount="10.00", reference="R-1", user=finance)
    assert refund.entry.kind == EntryKind.REFUND and refund.entry.amount == Decimal("10.00")
    assert prepayment_balance(customer_id=note.customer_id) == Decimal("0.00")
    assert ledger_balance(note.customer) == Decimal("0.00")
    assert money_left(credit.entry) == Decimal("0.00")
    with pytest.raises(ApplicationError) as refused:
        refund_record(source=credit.entry, amount="0.01", reference="R-2", user=finance)
    assert refused.value.code == "over_refund"


def test_refunded_money_is_not_allocated_again(world, finance):
    # Money paid in advance, part of it paid back: a later invoice takes only the rest.
    customer = world.chain.customer
    payment = payment_record(customer=customer, amount="500.00", user=finance, reference="B-9")
    refund_record(source=payment, amount="400.00", reference="R-9", user=finance)
    note, invoice = invoiced_note(world)
    invoice.refresh_from_db()
    assert invoice.paid_amount == Decimal("100.00")
    assert prepayment_balance(customer_id=customer.pk) == Decimal("0.00")
    with pytest.raises(ApplicationError):
        refund_record(source=payment, amount="0.01", reference="R-10", user=finance)


def test_a_credit_note_that_settles_the_overdue_invoice_lifts_the_hold(world):
    note, invoice = invoiced_note(world)
    Invoice.objects.filter(pk=invoice.pk).update(due_date=company_today() - dt.timedelta(days=45))
    credit_holds_review()
    customer = Customer.objects.get(pk=note.customer_id)
    assert customer.on_credit_hold
    approver = world.approver("general_manager", "gm")
    allowance = allowance_submit(
        allowance=allowance_create(
            user=world.clerk,
            invoice=invoice,
            reason="quality",
            customer_reference="ZR-1",
            amount="850.00",
        ),
        user=world.clerk,
    )
    allowance_approve(allowance=allowance, user=approver, comment="全额折让")
    invoice.refresh_from_db()
    customer.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert not customer.on_credit_hold


def test_a_credit_on_an_uninvoiced_note_is_prepayment_until_the_invoice(world):
    note = world.note()
    application = world.received(
        world.approved(world.inspected(world.submitted(world.filed(note))))
    )
    assert application.credit_note.invoice_id is None
    assert prepayment_balance(customer_id=note.customer_id) == Decimal("60.00")
    dispatched_on(note, company_today().replace(day=1) - dt.timedelta(days=3))
    [invoice] = invoices_issue_due(today=company_today())
    assert invoice.paid_amount == Decimal("60.00")
    assert prepayment_balance(customer_id=note.customer_id) == Decimal("0.00")


def test_the_ledger_refuses_a_refund_that_takes_money_in():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReceivableEntry.objects.create(
            customer=CustomerFactory(),
            kind=EntryKind.REFUND,
            amount=Decimal("-1.00"),
            entry_date=company_today(),
        )
    assert not CreditNote.objects.exists() and not Refund.objects.exists()
