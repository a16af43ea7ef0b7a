"""Opening prepayments (期初预收): payments on the ledger, settling open invoices
first; every bad row with its reason; a re-run books nothing twice; the role."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from finance.allocation import prepayment_balance
from finance.enums import EntryKind
from finance.models import ReceivableEntry
from portal.imports import BY_KEY, import_file
from salesadmin.clock import company_today
from tests.factories import CustomerFactory, InvoiceFactory
from tests.imports.sheets import xlsx

pytestmark = pytest.mark.django_db

HEADER = ["customer", "reference", "date", "amount"]
YESTERDAY = company_today() - dt.timedelta(days=1)


def run(rows, user, *, dry_run=False):
    return import_file(
        kind=BY_KEY["opening_prepayments"],
        content=xlsx(HEADER, rows),
        filename="prepaid.xlsx",
        user=user,
        dry_run=dry_run,
    )


def test_a_prepayment_becomes_a_payment_that_covers_future_notes(finance):
    customer = CustomerFactory(code="C1")
    result = run([["C1", "YS-1", YESTERDAY, 8000]], finance)
    assert result.imported and result.created == 1
    entry = ReceivableEntry.objects.get()
    assert (entry.kind, entry.amount, entry.reference) == (
        EntryKind.PAYMENT,
        Decimal("-8000.00"),
        "YS-1",
    )
    assert prepayment_balance(customer_id=customer.pk) == Decimal("8000.00")
    again = run([["C1", "YS-1", YESTERDAY, 8000]], finance)
    assert (again.created, again.unchanged) == (0, 1)
    assert ReceivableEntry.objects.count() == 1


def test_a_prepayment_settles_open_invoices_first(finance):
    customer = CustomerFactory(code="C1")
    invoice = InvoiceFactory(customer=customer, amount=Decimal("3000.00"))
    run([["C1", "YS-1", YESTERDAY, 8000]], finance)
    invoice.refresh_from_db()
    assert invoice.paid_amount == Decimal("3000.00")
    assert prepayment_balance(customer_id=customer.pk) == Decimal("5000.00")


def test_the_dry_run_lists_every_bad_row_and_imports_nothing(finance):
    CustomerFactory(code="C1")
    run([["C1", "TAKEN", YESTERDAY, 10]], finance)
    result = run(
        [
            ["C9", "YS-2", YESTERDAY, 10],
            ["C1", "YS-3", YESTERDAY, -5],
            ["C1", "YS-4", company_today() + dt.timedelta(days=3), 10],
            ["C1", "TAKEN", YESTERDAY, 99],
            ["C1", "", YESTERDAY, 10],
            ["C1", "YS-5", YESTERDAY, 10],
            ["C1", "YS-5", YESTERDAY, 10],
        ],
        finance,
        dry_run=True,
    )
    reasons = {(e.row, e.column): e.message for e in result.errors}
    assert reasons[(2, "customer")] == "No customer with this code."
    assert reasons[(3, "amount")] == "The prepaid amount must be positive."
    assert reasons[(4, "date")] == "The date is in the future."
    assert reasons[(5, "reference")] == (
        "A payment with this reference already exists with other figures."
    )
    assert (6, "reference") in reasons
    assert any(row == 8 for row, _col in reasons)
    assert ReceivableEntry.objects.count() == 1


def test_only_finance_and_managers_import_prepayments(clerk, keeper):
    CustomerFactory(code="C1")
    for user in (clerk, keeper):
        with pytest.raises(PermissionDenied):
            run([["C1", "YS-1", YESTERDAY, 10]], user)
    assert not ReceivableEntry.objects.exists()


def test_the_template_has_the_columns(client_for, finance):
    response = client_for(finance).get("/import/opening_prepayments/template/?format=csv")
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").splitlines()[0].startswith("customer,reference")
