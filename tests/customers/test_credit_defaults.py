"""Credit terms by tenure (DESIGN.md, Receivables): defaults a manager can change.

Under 1 year prepaid; from 1 year monthly with 15,000; from 3 years quarterly
with 50,000.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import QuerySet

from customers.enums import CreditTerms
from customers.models import CreditChange, Customer
from customers.services import (
    credit_defaults_for_tenure,
    customer_create,
    customer_set_credit_terms,
    customers_refresh_tenure_terms,
)
from salesadmin.clock import company_today
from salesadmin.errors import ApplicationError
from tests.factories import CustomerFactory

PREPAID = (CreditTerms.PREPAID, Decimal("0.00"))
MONTHLY = (CreditTerms.MONTHLY, Decimal("15000.00"))
QUARTERLY = (CreditTerms.QUARTERLY, Decimal("50000.00"))

START = dt.date(2021, 3, 10)
LEAP_DAY = dt.date(2020, 2, 29)


@pytest.mark.parametrize(
    ("since", "today", "expected"),
    [
        pytest.param(START, START, PREPAID, id="first day"),
        pytest.param(START, START + dt.timedelta(days=364), PREPAID, id="364 days"),
        pytest.param(START, dt.date(2022, 3, 9), PREPAID, id="day before first anniversary"),
        pytest.param(START, dt.date(2022, 3, 10), MONTHLY, id="exactly 1 year"),
        pytest.param(START, dt.date(2024, 3, 9), MONTHLY, id="2 years 364 days"),
        pytest.param(START, dt.date(2024, 3, 10), QUARTERLY, id="exactly 3 years"),
        pytest.param(START, dt.date(2031, 3, 10), QUARTERLY, id="10 years"),
        # From a leap day: 2021 has no 29 February, the first year is complete on 1 March.
        pytest.param(LEAP_DAY, dt.date(2021, 2, 28), PREPAID, id="leap day, 28 Feb next year"),
        pytest.param(LEAP_DAY, dt.date(2021, 3, 1), MONTHLY, id="leap day, 1 Mar next year"),
        pytest.param(LEAP_DAY, dt.date(2023, 2, 28), MONTHLY, id="leap day, 28 Feb third year"),
        pytest.param(LEAP_DAY, dt.date(2023, 3, 1), QUARTERLY, id="leap day, 1 Mar third year"),
        pytest.param(LEAP_DAY, dt.date(2024, 2, 29), QUARTERLY, id="leap day, next leap day"),
    ],
)
def test_tenure_defaults(since, today, expected):
    terms, limit = credit_defaults_for_tenure(trading_since=since, today=today)

    assert (terms, limit) == expected
    assert isinstance(limit, Decimal)


def test_a_start_date_in_the_future_is_treated_as_new():
    assert credit_defaults_for_tenure(trading_since=dt.date(2030, 1, 1), today=START) == PREPAID


def test_tenure_table_comes_from_settings(settings):
    settings.CREDIT_TERMS_BY_TENURE = [
        # Deliberately out of order: the table is read by minimum years.
        (2, "monthly", Decimal("20000.00")),
        (0, "prepaid", Decimal("0.00")),
        (5, "quarterly", Decimal("80000.00")),
    ]

    def at(years: int):
        return credit_defaults_for_tenure(
            trading_since=START, today=START.replace(year=START.year + years)
        )

    assert at(1) == PREPAID  # the default table would give monthly here
    assert at(2) == (CreditTerms.MONTHLY, Decimal("20000.00"))
    assert at(4) == (CreditTerms.MONTHLY, Decimal("20000.00"))
    assert at(5) == (CreditTerms.QUARTERLY, Decimal("80000.00"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("days_trading", "expected"),
    [
        pytest.param(0, PREPAID, id="new"),
        pytest.param(400, MONTHLY, id="over 1 year"),
        pytest.param(365 * 5 + 10, QUARTERLY, id="over 5 years"),
    ],
)
def test_customer_create_sets_tenure_defaults_and_logs_them(clerk, days_trading, expected):
    trading_since = company_today() - dt.timedelta(days=days_trading)

    customer = customer_create(
        user=clerk, code="C-NEW", name="Anji Gas", trading_since=trading_since
    )

    customer.refresh_from_db()
    assert (customer.credit_terms, customer.credit_limit) == expected
    assert customer.credit_terms_custom is False
    logged = {c.field: c for c in CreditChange.objects.filter(customer=customer)}
    assert set(logged) == {"credit_terms", "credit_limit"}
    assert logged["credit_terms"].old_value == ""
    assert logged["credit_terms"].new_value == expected[0]
    assert Decimal(logged["credit_limit"].new_value) == expected[1]
    assert all(c.changed_by == clerk for c in logged.values())


@pytest.mark.django_db
def test_customer_create_saves_contacts(clerk):
    customer = customer_create(
        user=clerk,
        code="C-1",
        name="Anji Gas",
        trading_since=company_today(),
        contacts=[{"name": "Wang", "phone": "138", "is_primary": True}],
    )

    assert customer.primary_contact.name == "Wang"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "credit_field",
    [
        {"credit_terms": CreditTerms.QUARTERLY},
        {"credit_limit": Decimal("99999.00")},
        {"credit_terms_custom": True},
        {"on_credit_hold": True},
    ],
)
def test_customer_create_refuses_credit_fields(clerk, credit_field):
    with pytest.raises(ApplicationError) as exc:
        customer_create(
            user=clerk, code="C-1", name="Anji Gas", trading_since=company_today(), **credit_field
        )

    assert exc.value.code == "field_not_allowed"
    assert not Customer.objects.exists()


@pytest.mark.django_db
class TestRefreshTenureTerms:
    TODAY = dt.date(2025, 6, 1)

    def test_moves_a_tenure_customer_up_and_leaves_a_custom_one_alone(self):
        # Given two customers who reach one year today, one of them with
        # terms a manager set by hand
        follows = CustomerFactory(trading_since=dt.date(2024, 6, 1))
        custom = CustomerFactory(trading_since=dt.date(2024, 6, 1), credit_terms_custom=True)

        # When the daily refresh runs
        updated = customers_refresh_tenure_terms(today=self.TODAY)

        # Then only the one following tenure moved to monthly, and it is logged
        follows.refresh_from_db()
        custom.refresh_from_db()
        assert updated == 1
        assert (follows.credit_terms, follows.credit_limit) == MONTHLY
        assert (custom.credit_terms, custom.credit_limit) == PREPAID
        changes = CreditChange.objects.filter(customer=follows)
        assert {(c.field, c.old_value, c.new_value) for c in changes} == {
            ("credit_terms", "prepaid", "monthly"),
            ("credit_limit", "0.00", "15000.00"),
        }
        assert all(c.changed_by is None for c in changes)
        assert not CreditChange.objects.filter(customer=custom).exists()

    def test_moves_a_monthly_customer_to_quarterly_at_three_years(self):
        customer = CustomerFactory(
            trading_since=dt.date(2022, 6, 1),
            credit_terms=CreditTerms.MONTHLY,
            credit_limit=Decimal("15000.00"),
        )

        assert customers_refresh_tenure_terms(today=self.TODAY) == 1

        customer.refresh_from_db()
        assert (customer.credit_terms, customer.credit_limit) == QUARTERLY

    def test_does_nothing_before_the_anniversary(self):
        customer = CustomerFactory(trading_since=dt.date(2024, 6, 2))

        assert customers_refresh_tenure_terms(today=self.TODAY) == 0

        customer.refresh_from_db()
        assert (customer.credit_terms, customer.credit_limit) == PREPAID
        assert not CreditChange.objects.exists()

    def test_is_idempotent(self):
        CustomerFactory(trading_since=dt.date(2024, 6, 1))
        customers_refresh_tenure_terms(today=self.TODAY)
        changes = CreditChange.objects.count()

        assert customers_refresh_tenure_terms(today=self.TODAY) == 0
        assert CreditChange.objects.count() == changes

    def test_leaves_inactive_customers_alone(self):
        customer = CustomerFactory(trading_since=dt.date(2024, 6, 1), active=False)

        assert customers_refresh_tenure_terms(today=self.TODAY) == 0

        customer.refresh_from_db()
        assert customer.credit_terms == CreditTerms.PREPAID

    def test_respects_custom_terms_set_after_the_customer_was_listed(self, monkeypatch, manager):
        # Given the job has listed a customer who follows tenure, and a manager
        # sets custom terms for that customer before the job locks the row
        customer = CustomerFactory(trading_since=dt.date(2024, 6, 1))
        list_ids = QuerySet.iterator

        def manager_acts_between_list_and_lock(queryset, *args, **kwargs):
            for pk in list_ids(queryset, *args, **kwargs):
                customer_set_credit_terms(
                    customer=Customer.objects.get(pk=pk),
                    user=manager,
                    terms=CreditTerms.PREPAID,
                    limit=Decimal("0"),
                    reason="keep on prepaid: disputed invoices",
                )
                yield pk

        monkeypatch.setattr(QuerySet, "iterator", manager_acts_between_list_and_lock)

        # When the job reaches that customer
        customers_refresh_tenure_terms(today=self.TODAY)

        # Then the manager's decision stands
        customer.refresh_from_db()
        assert customer.credit_terms_custom is True
        assert (customer.credit_terms, customer.credit_limit) == PREPAID
