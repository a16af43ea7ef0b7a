"""The balance the credit checks read is kept by the database as ledger entries
are written; it must always equal the sum of the customer's ledger."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from finance.credit import credit_position
from finance.enums import EntryKind
from finance.models import CustomerBalance, ReceivableEntry
from finance.services import payment_record
from salesadmin.clock import company_today
from salesadmin.errors import ApplicationError
from salesadmin.roles import Role
from tests.factories import CustomerFactory, UserFactory
from tests.racing import run_together


def _kept(customer) -> Decimal:
    return CustomerBalance.objects.get(customer=customer).balance


def _ledger_sum(customer) -> Decimal:
    """The ledger added up, independently of the kept balance."""
    total = ReceivableEntry.objects.filter(customer=customer).aggregate(s=Sum("amount"))["s"]
    return total or Decimal("0.00")


@pytest.mark.django_db
def test_the_kept_balance_follows_charges_payments_and_credit_notes(chain):
    customer = chain.customer
    assert not CustomerBalance.objects.filter(customer=customer).exists()  # no entries yet
    assert credit_position(customer=customer).balance == 0

    note = chain.dispatched()  # a charge
    assert _kept(customer) == _ledger_sum(customer) == note.actual_value

    payment_record(customer=customer, amount="250.55", user=chain.finance, reference="B-1")
    ReceivableEntry.objects.create(
        customer=customer,
        kind=EntryKind.CREDIT_NOTE,
        amount=Decimal("-10.00"),
        entry_date=company_today(),
    )
    ledger = _ledger_sum(customer)
    assert ledger == note.actual_value - Decimal("260.55")
    assert _kept(customer) == ledger
    assert credit_position(customer=customer).balance == ledger
    # Another customer's entries are theirs alone.
    other = CustomerFactory()
    payment_record(customer=other, amount="5.00", user=chain.finance)
    assert _kept(customer) == ledger and _kept(other) == Decimal("-5.00")


@pytest.mark.django_db
def test_a_rolled_back_entry_leaves_the_balance_as_it_was(chain):
    customer = chain.customer
    payment_record(customer=customer, amount="100.00", user=chain.finance, reference="B-1")
    with pytest.raises(ApplicationError):  # the same bank reference twice
        payment_record(customer=customer, amount="999.00", user=chain.finance, reference="B-1")
    assert _kept(customer) == _ledger_sum(customer) == Decimal("-100.00")


@pytest.mark.django_db(transaction=True)
def test_payments_racing_for_one_customer_all_count():
    customer = CustomerFactory()
    users = [UserFactory(username=f"cashier{i}", roles=[Role.FINANCE]) for i in range(8)]

    outcomes = run_together(
        lambda i: payment_record(
            customer=customer, amount="12.34", user=users[i], reference=f"RACE-{i}"
        ),
        8,
    )

    assert [kind for kind, _ in outcomes] == ["ok"] * 8, outcomes
    connection.close()
    assert _kept(customer) == _ledger_sum(customer) == Decimal("-98.72")
