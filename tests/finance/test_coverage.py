"""Credit control: how a further amount would be covered.

exposure = ledger balance + stamped notes not yet charged. A prepaid customer
is covered while exposure + amount <= 0; a credit customer while
exposure + amount <= the credit limit and not on credit hold.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from customers.enums import CreditTerms
from customers.services import customer_set_credit_hold
from finance.credit import credit_position
from finance.enums import EntryKind
from finance.models import ReceivableEntry
from finance.services import payment_record
from orders.enums import Coverage
from salesadmin.clock import company_today
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _charge(customer, amount: str) -> None:
    ReceivableEntry.objects.create(
        customer=customer, kind=EntryKind.CHARGE, amount=Decimal(amount), entry_date=company_today()
    )


def _covered(customer, amount: str, **kwargs):
    return credit_position(customer=customer, **kwargs).coverage_for(Decimal(amount))


def _position(customer, **kwargs):
    return credit_position(customer=customer, **kwargs)


@pytest.fixture
def prepaid(db):
    return CustomerFactory(credit_terms=CreditTerms.PREPAID, credit_limit=Decimal("0.00"))


@pytest.fixture
def monthly(db):
    return CustomerFactory(credit_terms=CreditTerms.MONTHLY, credit_limit=Decimal("15000.00"))


# --- prepaid ---------------------------------------------------------------------------


def test_prepaid_customer_is_covered_only_by_money_received(prepaid, finance):
    assert _covered(prepaid, "0.01") is None

    payment_record(customer=prepaid, amount=Decimal("500.00"), user=finance)

    assert _covered(prepaid, "500.00") == Coverage.PREPAYMENT
    assert _covered(prepaid, "500.01") is None
    assert _covered(prepaid, "0.00") == Coverage.PREPAYMENT


def test_prepaid_customer_has_no_credit_even_with_a_limit_on_file(finance):
    # A limit left over from before the customer was moved to prepaid.
    customer = CustomerFactory(credit_terms=CreditTerms.PREPAID, credit_limit=Decimal("5000.00"))

    assert _position(customer).allowance == Decimal("0.00")
    assert _covered(customer, "1.00") is None


def test_a_prepaid_customers_debt_must_be_paid_first(prepaid, finance):
    _charge(prepaid, "200.00")
    payment_record(customer=prepaid, amount=Decimal("300.00"), user=finance)

    assert _position(prepaid).exposure == Decimal("-100.00")
    assert _covered(prepaid, "100.00") == Coverage.PREPAYMENT
    assert _covered(prepaid, "100.01") is None


# --- credit ----------------------------------------------------------------------------


@pytest.mark.parametrize("terms", [CreditTerms.MONTHLY, CreditTerms.QUARTERLY])
def test_credit_customer_is_covered_up_to_the_limit(terms):
    customer = CustomerFactory(credit_terms=terms, credit_limit=Decimal("15000.00"))
    _charge(customer, "14000.00")

    assert _position(customer).allowance == Decimal("15000.00")
    assert _covered(customer, "1000.00") == Coverage.CREDIT
    assert _covered(customer, "1000.01") is None


def test_credit_customer_with_money_on_account_is_covered_by_prepayment(monthly, finance):
    payment_record(customer=monthly, amount=Decimal("100.00"), user=finance)

    assert _covered(monthly, "100.00") == Coverage.PREPAYMENT
    assert _covered(monthly, "100.01") == Coverage.CREDIT


def test_a_customer_on_hold_is_never_covered(monthly, manager, finance):
    payment_record(customer=monthly, amount=Decimal("100.00"), user=finance)
    customer_set_credit_hold(customer=monthly, user=manager, on_hold=True, reason="overdue")
    monthly.refresh_from_db()

    assert _covered(monthly, "0.00") is None
    assert _covered(monthly, "1.00") is None
    assert _covered(monthly, "0.00") is None


def test_what_a_customer_owes_is_covered_up_to_the_limit_after_a_charge(monthly):
    _charge(monthly, "15000.00")
    assert _covered(monthly, "0.00") is not None

    _charge(monthly, "0.01")
    assert _covered(monthly, "0.00") is None


# --- exposure: the ledger plus stamped, uncharged notes ------------------------------


def test_stamped_notes_count_until_they_are_charged(chain):
    customer = chain.customer
    first = chain.stamped(chain.note(chain.order(("10",))))  # 300.00 stamped
    second = chain.note(chain.order(("5",)))  # 150.00 only issued

    assert _position(customer).pending == Decimal("300.00")
    assert _position(customer).exposure == Decimal("300.00")
    assert _position(customer, exclude_note_id=first.pk).exposure == Decimal("0.00")
    assert _covered(customer, second.value, exclude_note_id=second.pk) == Coverage.CREDIT

    chain.dispatched(first)

    # Charged now: on the ledger, no longer pending, counted once
    assert _position(customer).pending == Decimal("0.00")
    assert _position(customer).exposure == Decimal("300.00")


def test_a_notes_own_stamp_is_not_counted_against_it(chain):
    limit = Decimal("300.00")
    customer = CustomerFactory(credit_terms=CreditTerms.MONTHLY, credit_limit=limit)
    note = chain.stamped(chain.note(chain.order(("10",), customer=customer)))

    # Re-checking a stamped note must not count its own 300.00 twice.
    assert _position(customer).exposure == limit
    assert _covered(customer, note.value, exclude_note_id=note.pk) == Coverage.CREDIT
