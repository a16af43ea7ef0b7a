"""A manager's credit decisions: terms, limit and hold, each with a reason, each logged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from customers.enums import CreditTerms
from customers.models import CreditChange, Customer
from customers.services import (
    customer_set_credit_hold,
    customer_set_credit_terms,
    customer_update,
    customers_refresh_tenure_terms,
)
from salesadmin.clock import company_today
from salesadmin.errors import ApplicationError
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    """A new customer on the tenure default: prepaid, nothing on credit."""
    return CustomerFactory(trading_since=company_today())


@pytest.fixture
def veteran():
    """A customer trading for over five years but held on custom monthly terms."""
    return CustomerFactory(
        trading_since=company_today() - dt.timedelta(days=365 * 5 + 10),
        credit_terms=CreditTerms.MONTHLY,
        credit_limit=Decimal("8000.00"),
        credit_terms_custom=True,
    )


def _changes(customer) -> set[tuple[str, str, str]]:
    return {
        (c.field, c.old_value, c.new_value) for c in CreditChange.objects.filter(customer=customer)
    }


def _set_monthly_9000(customer, user, reason):
    """The credit decision most tests here ask for: monthly terms, a 9,000 limit."""
    return customer_set_credit_terms(
        customer=customer,
        user=user,
        terms=CreditTerms.MONTHLY,
        limit=Decimal("9000"),
        reason=reason,
    )


def _assert_terms_untouched(customer):
    customer.refresh_from_db()
    assert customer.credit_terms == CreditTerms.PREPAID
    assert customer.credit_terms_custom is False
    assert not CreditChange.objects.exists()


class TestSetCreditTerms:
    @pytest.mark.parametrize("persona", ["clerk", "finance", "keeper", "guard"])
    def test_refused_for_everyone_but_the_manager(self, request, customer, persona):
        user = request.getfixturevalue(persona)

        with pytest.raises(PermissionDenied):
            _set_monthly_9000(customer, user, "asked nicely")

        _assert_terms_untouched(customer)

    def test_manager_sets_custom_terms_and_every_change_is_logged(self, manager, customer):
        result = _set_monthly_9000(customer, manager, "guaranteed by parent company")

        customer.refresh_from_db()
        assert result.pk == customer.pk
        assert customer.credit_terms == CreditTerms.MONTHLY
        assert customer.credit_limit == Decimal("9000.00")
        assert customer.credit_terms_custom is True
        assert _changes(customer) == {
            ("credit_terms", "prepaid", "monthly"),
            ("credit_limit", "0.00", "9000.00"),
            ("credit_terms_custom", "False", "True"),
        }
        for change in CreditChange.objects.filter(customer=customer):
            assert change.changed_by == manager
            assert change.reason == "guaranteed by parent company"

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_requires_a_reason(self, manager, customer, reason):
        with pytest.raises(ApplicationError) as exc:
            _set_monthly_9000(customer, manager, reason)

        assert exc.value.code == "reason_required"
        _assert_terms_untouched(customer)

    def test_refuses_unknown_terms(self, manager, customer):
        with pytest.raises(ApplicationError) as exc:
            customer_set_credit_terms(
                customer=customer, user=manager, terms="weekly", limit=Decimal("1"), reason="x"
            )

        assert exc.value.code == "invalid_terms"

    def test_refuses_a_negative_limit(self, manager, customer):
        with pytest.raises(ApplicationError) as exc:
            customer_set_credit_terms(
                customer=customer,
                user=manager,
                terms=CreditTerms.MONTHLY,
                limit=Decimal("-1"),
                reason="x",
            )

        assert exc.value.code == "invalid_limit"
        customer.refresh_from_db()
        assert customer.credit_limit == Decimal("0.00")

    def test_custom_terms_survive_the_tenure_refresh(self, manager, veteran):
        customers_refresh_tenure_terms(today=company_today())

        veteran.refresh_from_db()
        assert veteran.credit_terms == CreditTerms.MONTHLY
        assert veteran.credit_limit == Decimal("8000.00")

    def test_follow_tenure_hands_the_terms_back(self, manager, veteran):
        customer_set_credit_terms(
            customer=veteran, user=manager, follow_tenure=True, reason="back to the rules"
        )

        veteran.refresh_from_db()
        assert veteran.credit_terms_custom is False
        assert veteran.credit_terms == CreditTerms.QUARTERLY
        assert veteran.credit_limit == Decimal("50000.00")
        assert _changes(veteran) == {
            ("credit_terms_custom", "True", "False"),
            ("credit_terms", "monthly", "quarterly"),
            ("credit_limit", "8000.00", "50000.00"),
        }

    def test_follow_tenure_is_refused_to_a_clerk(self, clerk, veteran):
        with pytest.raises(PermissionDenied):
            customer_set_credit_terms(customer=veteran, user=clerk, follow_tenure=True, reason="x")

        veteran.refresh_from_db()
        assert veteran.credit_terms_custom is True


class TestSetCreditHold:
    def test_manager_sets_and_releases_a_hold_with_reasons(self, manager, customer):
        # Given a manager puts the customer on hold
        customer_set_credit_hold(
            customer=customer, user=manager, on_hold=True, reason="invoice 2026-03 unpaid"
        )
        customer.refresh_from_db()
        assert customer.on_credit_hold is True
        assert customer.credit_hold_reason == "invoice 2026-03 unpaid"
        assert customer.credit_hold_since is not None

        # When the manager releases it
        customer_set_credit_hold(
            customer=customer, user=manager, on_hold=False, reason="paid in full"
        )

        # Then the hold is gone and both steps are in the credit log
        customer.refresh_from_db()
        assert customer.on_credit_hold is False
        assert customer.credit_hold_reason == ""
        assert customer.credit_hold_since is None
        log = CreditChange.objects.filter(customer=customer, field="on_credit_hold")
        assert {(c.old_value, c.new_value, c.reason, c.changed_by_id) for c in log} == {
            ("False", "True", "invoice 2026-03 unpaid", manager.pk),
            ("True", "False", "paid in full", manager.pk),
        }

    @pytest.mark.parametrize("persona", ["clerk", "finance", "keeper", "guard"])
    def test_refused_for_everyone_but_the_manager(self, request, customer, persona):
        user = request.getfixturevalue(persona)

        with pytest.raises(PermissionDenied):
            customer_set_credit_hold(customer=customer, user=user, on_hold=True, reason="late")

        customer.refresh_from_db()
        assert customer.on_credit_hold is False

    def test_clerk_cannot_release_a_hold(self, clerk, manager, customer):
        customer_set_credit_hold(customer=customer, user=manager, on_hold=True, reason="late")

        with pytest.raises(PermissionDenied):
            customer_set_credit_hold(customer=customer, user=clerk, on_hold=False, reason="paid")

        customer.refresh_from_db()
        assert customer.on_credit_hold is True

    def test_the_daily_job_may_set_a_hold_without_a_user(self, customer):
        # DESIGN.md: an overdue receivable puts the customer on hold automatically.
        customer_set_credit_hold(
            customer=customer, user=None, on_hold=True, reason="overdue > 1 month"
        )

        customer.refresh_from_db()
        assert customer.on_credit_hold is True

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_hold_without_reason_refused(self, manager, customer, reason):
        with pytest.raises(ApplicationError) as exc:
            customer_set_credit_hold(customer=customer, user=manager, on_hold=True, reason=reason)

        assert exc.value.code == "reason_required"
        customer.refresh_from_db()
        assert customer.on_credit_hold is False

    @pytest.mark.parametrize(
        ("on_hold", "reason", "code"),
        [
            pytest.param(False, "", "reason_required", id="release-without-reason"),
            pytest.param(True, "again", "hold_unchanged", id="holding-twice"),
        ],
    )
    def test_a_refused_change_leaves_the_hold_as_it_was(
        self, manager, customer, on_hold, reason, code
    ):
        customer_set_credit_hold(customer=customer, user=manager, on_hold=True, reason="late")

        with pytest.raises(ApplicationError) as exc:
            customer_set_credit_hold(
                customer=customer, user=manager, on_hold=on_hold, reason=reason
            )

        assert exc.value.code == code
        customer.refresh_from_db()
        assert (customer.on_credit_hold, customer.credit_hold_reason) == (True, "late")

    def test_database_refuses_a_hold_without_reason(self, customer):
        with pytest.raises(IntegrityError, match="customer_hold_has_reason"), transaction.atomic():
            Customer.objects.filter(pk=customer.pk).update(
                on_credit_hold=True, credit_hold_reason=""
            )

        customer.refresh_from_db()
        assert customer.on_credit_hold is False

    def test_database_refuses_a_negative_credit_limit(self, customer):
        with (
            pytest.raises(IntegrityError, match="customer_credit_limit_not_negative"),
            transaction.atomic(),
        ):
            Customer.objects.filter(pk=customer.pk).update(credit_limit=Decimal("-0.01"))


class TestCustomerUpdate:
    @pytest.mark.parametrize(
        "credit_field",
        [
            {"credit_terms": CreditTerms.QUARTERLY},
            {"credit_limit": Decimal("50000.00")},
            {"credit_terms_custom": True},
            {"on_credit_hold": True},
            {"credit_hold_reason": "x"},
        ],
    )
    def test_refuses_credit_fields(self, clerk, customer, credit_field):
        with pytest.raises(ApplicationError) as exc:
            customer_update(customer=customer, user=clerk, name="Renamed", **credit_field)

        assert exc.value.code == "field_not_allowed"
        customer.refresh_from_db()
        assert customer.name != "Renamed"
        assert customer.credit_terms == CreditTerms.PREPAID
        assert customer.credit_limit == Decimal("0.00")
        assert customer.on_credit_hold is False

    def test_changes_general_fields(self, clerk, customer):
        customer_update(customer=customer, user=clerk, name="Renamed", address="Anji")

        customer.refresh_from_db()
        assert (customer.name, customer.address) == ("Renamed", "Anji")
        assert not CreditChange.objects.exists()

    def test_earlier_trading_since_reapplies_tenure_defaults(self, clerk, customer):
        customer_update(
            customer=customer,
            user=clerk,
            trading_since=company_today() - dt.timedelta(days=400),
        )

        customer.refresh_from_db()
        assert customer.credit_terms == CreditTerms.MONTHLY
        assert customer.credit_limit == Decimal("15000.00")
        assert ("credit_terms", "prepaid", "monthly") in _changes(customer)

    def test_changed_trading_since_leaves_custom_terms_alone(self, clerk, veteran):
        customer_update(customer=veteran, user=clerk, trading_since=company_today())

        veteran.refresh_from_db()
        assert veteran.credit_terms == CreditTerms.MONTHLY
        assert veteran.credit_limit == Decimal("8000.00")
        assert not CreditChange.objects.exists()
