"""Payments (到款) and the receivable ledger: who may record, which amounts,
one booking per bank reference (also under concurrent recording), an
append-only ledger and exact Decimal arithmetic."""

from __future__ import annotations

from decimal import Decimal

import psycopg.errors
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from customers.enums import CreditTerms
from finance.credit import credit_position
from finance.enums import EntryKind, PaymentMethod
from finance.models import ReceivableEntry
from finance.services import payment_record
from salesadmin.clock import company_today
from salesadmin.errors import ApplicationError
from salesadmin.roles import Role
from tests.factories import CustomerFactory, UserFactory
from tests.racing import run_together


@pytest.fixture
def customer(db):
    return CustomerFactory(credit_terms=CreditTerms.PREPAID)


def _pay(user, customer, amount, **kwargs):
    return payment_record(customer=customer, amount=amount, user=user, **kwargs)


# --- who, and how much ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["finance", "manager"])
def test_finance_records_a_payment(request, customer, persona):
    user = request.getfixturevalue(persona)

    entry = _pay(user, customer, Decimal("1234.56"), reference="ICBC-0001", note="March")

    entry.refresh_from_db()
    assert (entry.kind, entry.amount) == (EntryKind.PAYMENT, Decimal("-1234.56"))
    assert (entry.reference, entry.method, entry.note) == ("ICBC-0001", "bank_transfer", "March")
    assert (entry.created_by, entry.entry_date) == (user, company_today())
    assert credit_position(customer=customer).balance == Decimal("-1234.56")


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["keeper", "clerk", "guard"])
def test_only_finance_records_payments(request, customer, persona):
    with pytest.raises(PermissionDenied):
        _pay(request.getfixturevalue(persona), customer, Decimal("10.00"))

    assert not ReceivableEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "amount",
    [
        pytest.param(Decimal("0"), id="zero"),
        pytest.param(Decimal("0.00"), id="zero-cents"),
        pytest.param(Decimal("-1"), id="negative"),
        pytest.param(Decimal("1.001"), id="three-decimals"),
        pytest.param(Decimal("0.001"), id="a-tenth-of-a-cent"),
        pytest.param("abc", id="text"),
        pytest.param("", id="empty"),
        pytest.param(None, id="none"),
        pytest.param(Decimal("NaN"), id="nan"),
        pytest.param("NaN", id="nan-text"),
        pytest.param("sNaN", id="signalling-nan"),
        pytest.param(Decimal("Infinity"), id="infinity"),
        pytest.param(Decimal("1e12"), id="too-large"),
        # Money is Decimal, never float (DESIGN.md); True is not 1.00 either.
        pytest.param(True, id="bool"),
        pytest.param(12.5, id="float"),
    ],
)
def test_invalid_amounts_are_refused(finance, customer, amount):
    with pytest.raises(ApplicationError) as excinfo:
        _pay(finance, customer, amount)

    assert excinfo.value.code == "invalid_amount"
    assert not ReceivableEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["0.01", "1", "12.5", "999999999999.99"])
def test_positive_amounts_with_up_to_two_decimals_are_accepted(finance, customer, amount):
    entry = _pay(finance, customer, amount)

    assert entry.amount == -Decimal(amount)


@pytest.mark.django_db
def test_unknown_payment_method_is_refused(finance, customer):
    with pytest.raises(ApplicationError) as excinfo:
        _pay(finance, customer, Decimal("10.00"), method="bitcoin")

    assert excinfo.value.code == "invalid_method"
    assert not ReceivableEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("method", PaymentMethod.values)
def test_every_payment_method_is_accepted(finance, customer, method):
    assert _pay(finance, customer, Decimal("10.00"), method=method).method == method


# --- bank references ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_bank_reference_is_booked_once(finance, customer):
    _pay(finance, customer, Decimal("100.00"), reference="ICBC-0001")

    with pytest.raises(ApplicationError) as excinfo:
        _pay(finance, customer, Decimal("100.00"), reference=" ICBC-0001 ")

    assert excinfo.value.code == "duplicate_reference"
    assert ReceivableEntry.objects.count() == 1
    assert credit_position(customer=customer).balance == Decimal("-100.00")


@pytest.mark.django_db
def test_the_same_bank_reference_for_another_customer_is_refused(finance, customer):
    _pay(finance, customer, Decimal("100.00"), reference="ICBC-0001")

    with pytest.raises(ApplicationError) as excinfo:
        _pay(finance, CustomerFactory(), Decimal("100.00"), reference="ICBC-0001")

    assert excinfo.value.code == "duplicate_reference"
    assert ReceivableEntry.objects.count() == 1


@pytest.mark.django_db
def test_payments_without_a_reference_are_not_duplicates(finance, customer):
    _pay(finance, customer, Decimal("50.00"))
    _pay(finance, customer, Decimal("50.00"), reference="   ")

    assert ReceivableEntry.objects.count() == 2
    assert credit_position(customer=customer).balance == Decimal("-100.00")


def _record_at_once(n: int, customers: list, finance_ids: list[int], reference: str):
    def work(i: int):
        user = get_user_model().objects.get(pk=finance_ids[i])
        return _pay(user, customers[i], Decimal("100.00"), reference=reference)

    return run_together(work, n)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("threads", [2, 8])
@pytest.mark.parametrize("same_customer", [True, False], ids=["same-customer", "many-customers"])
def test_concurrent_bookings_of_one_reference_make_one_row(threads, same_customer):
    # Same customer: the customer lock serializes them. Different customers:
    # only the unique constraint stands between them.
    customers = (
        [CustomerFactory()] * threads
        if same_customer
        else [CustomerFactory() for _ in range(threads)]
    )
    finance_ids = [
        UserFactory(username=f"finance{i}", roles=[Role.FINANCE]).pk for i in range(threads)
    ]

    outcomes = _record_at_once(threads, customers, finance_ids, reference="ICBC-RACE")

    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("ok") == 1, outcomes
    assert kinds.count("refused") == threads - 1, outcomes
    assert {exc.code for kind, exc in outcomes if kind == "refused"} == {"duplicate_reference"}
    assert ReceivableEntry.objects.filter(reference="ICBC-RACE").count() == 1


# --- the ledger ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_ledger_refuses_updates_and_deletes(finance, customer):
    entry = _pay(finance, customer, Decimal("100.00"), reference="ICBC-0001")

    with pytest.raises(IntegrityError) as updated, transaction.atomic():
        ReceivableEntry.objects.filter(pk=entry.pk).update(amount=Decimal("-1000.00"))
    entry.amount = Decimal("-1.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        entry.save()
    with pytest.raises(IntegrityError) as deleted, transaction.atomic():
        ReceivableEntry.objects.filter(pk=entry.pk).delete()

    assert isinstance(updated.value.__cause__, psycopg.errors.RestrictViolation)
    assert isinstance(deleted.value.__cause__, psycopg.errors.RestrictViolation)
    assert ReceivableEntry.objects.get(pk=entry.pk).amount == Decimal("-100.00")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "amount"),
    [
        (EntryKind.CHARGE, "-1.00"),
        (EntryKind.CHARGE, "0.00"),
        (EntryKind.PAYMENT, "1.00"),
        (EntryKind.CREDIT_NOTE, "1.00"),
    ],
)
def test_the_sign_of_an_entry_matches_its_kind(customer, kind, amount):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReceivableEntry.objects.create(
            customer=customer, kind=kind, amount=Decimal(amount), entry_date=company_today()
        )


@pytest.mark.django_db
def test_balance_is_exact_decimal_arithmetic(finance, customer):
    # In binary floating point 0.1 + 0.1 + 0.1 - 0.3 is not zero.
    for i in range(3):
        _pay(finance, customer, "0.10", reference=f"CASH-{i}")
    ReceivableEntry.objects.create(
        customer=customer,
        kind=EntryKind.CHARGE,
        amount=Decimal("0.30"),
        entry_date=company_today(),
    )

    balance = credit_position(customer=customer).balance

    assert isinstance(balance, Decimal)
    assert balance == Decimal("0.00")
    assert str(balance) == "0.00"


@pytest.mark.django_db
def test_balance_of_a_customer_without_entries_is_zero(customer):
    balance = credit_position(customer=customer).balance

    assert (balance, type(balance)) == (Decimal("0.00"), Decimal)


@pytest.mark.django_db
def test_balance_is_per_customer(finance, customer):
    other = CustomerFactory()
    _pay(finance, customer, "10.00")
    _pay(finance, other, "99.99")

    assert credit_position(customer=customer).balance == Decimal("-10.00")
    assert credit_position(customer=other).balance == Decimal("-99.99")
