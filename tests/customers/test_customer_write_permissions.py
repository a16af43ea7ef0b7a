import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from customers.models import Customer
from customers.services import customer_create, customer_update
from tests.factories import CustomerFactory


@pytest.mark.parametrize("persona", ["finance", "keeper", "guard"])
def test_only_clerks_and_managers_create_customers(persona, request, db):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        customer_create(user=user, code="X1", name="X", trading_since=dt.date(2020, 1, 1))
    assert not Customer.objects.filter(code="X1").exists()


@pytest.mark.parametrize("persona", ["finance", "keeper", "guard"])
def test_only_clerks_and_managers_change_customers(persona, request, db):
    customer = CustomerFactory(name="Old name")
    with pytest.raises(PermissionDenied):
        customer_update(customer=customer, user=request.getfixturevalue(persona), name="New")
    customer.refresh_from_db()
    assert customer.name == "Old name"
