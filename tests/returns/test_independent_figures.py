"""After a return and an allowance, a customer's balance, aging buckets and
statement computed here in plain Python, from the business facts alone (what
was delivered at which price, returned, allowed and paid), equal the product's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from finance.aging import aging_report
from finance.credit import credit_position
from finance.invoicing import invoices_issue_due
from finance.models import Invoice
from finance.services import payment_record
from finance.statements import statement_for
from returns.enums import InspectionResult
from returns.services.allowances import (
    AllowanceLineInput,
    allowance_approve,
    allowance_create,
    allowance_submit,
)
from returns.services.return_applications import (
    return_application_approve,
    return_application_receive,
)
from salesadmin.clock import company_today
from tests.finance.invoice_world import dispatched_on
from tests.returns.world import ledger_balance

pytestmark = pytest.mark.django_db


def test_balance_aging_and_statement_match_a_plain_computation(world, finance):
    today = company_today()
    # Given two notes delivered and invoiced on one monthly invoice
    prices = {"O2": Decimal("30.00"), "LO2": Decimal("1.50"), "AR": Decimal("80.00")}
    delivered = {"O2": Decimal("10"), "LO2": Decimal("100"), "AR": Decimal("5")}
    notes = [world.note(), world.note()]
    for note in notes:
        dispatched_on(note, today.replace(day=1) - dt.timedelta(days=1))
    [invoice] = invoices_issue_due(today=today)
    # made 40 days overdue, so the aging has something to sort
    Invoice.objects.filter(pk=invoice.pk).update(due_date=today - dt.timedelta(days=40))
    # When the customer pays part, returns 3 cylinders of O2 (failed inspection)
    # from the first note and gets an allowance of 1.20 per kg of LO2 on the second
    payment_record(customer=invoice.customer, amount="700.00", user=finance, reference="B-77")
    application = world.inspected(
        world.submitted(world.filed(notes[0], quantities=["3", "0", "0"])),
        result=InspectionResult.FAILED,
    )
    application = return_application_approve(
        application=application, user=world.manager, comment="报废"
    )
    return_application_receive(application=application, user=world.keeper)
    lo2_line = notes[1].lines.get(product__sku="T-LO2")
    allowance = allowance_submit(
        allowance=allowance_create(
            user=world.clerk,
            delivery_note=notes[1],
            reason="quality",
            customer_reference="ZR-77",
            lines=[AllowanceLineInput(note_line=lo2_line, unit_reduction=Decimal("1.20"))],
        ),
        user=world.clerk,
    )
    allowance_approve(allowance=allowance, user=world.approver("department_head", "head"))

    # Then, computed by hand:
    note_value = sum(delivered[k] * prices[k] for k in prices)  # 300 + 150 + 400
    charges = [note_value, note_value]
    returned = Decimal("3") * prices["O2"]
    allowed = delivered["LO2"] * Decimal("1.20")
    paid = Decimal("700.00")
    expected_balance = sum(charges) - paid - returned - allowed
    assert expected_balance == Decimal("790.00")  # 1700 − 700 − 90 − 120

    assert ledger_balance(invoice.customer) == expected_balance
    assert credit_position(customer=invoice.customer).exposure == expected_balance

    # Aging: everything still owed is on the one invoice, 40 days past due.
    buckets = dict.fromkeys(["current", "days_1_30", "days_31_60", "days_61_90", "over_90"], 0)
    buckets["days_31_60"] = sum(charges) - paid - returned - allowed
    [row] = aging_report(today).rows
    assert {k: row.buckets[k] for k in buckets} == buckets
    assert row.total == expected_balance

    # Statement of this month: every entry is dated today (charges at dispatch).
    movements = [*charges, -paid, -returned, -allowed]
    running, balances = Decimal("0"), []
    for amount in movements:
        running += amount
        balances.append(running)
    statement = statement_for(
        customer=invoice.customer, period_start=today.replace(day=1), period_end=today
    )
    assert statement.opening == 0
    assert [m.entry.amount for m in statement.movements] == movements
    assert [m.balance for m in statement.movements] == balances
    assert statement.charges == sum(charges)
    assert statement.payments == paid
    assert statement.credit_notes == returned + allowed
    assert statement.closing == expected_balance
