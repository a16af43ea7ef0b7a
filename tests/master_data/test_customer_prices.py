"""Customers' agreed prices in the browser and the API: a price at or above the
list applies at once, one below it waits for a manager; approval and refusal
are the manager's, logged in the history with who, when, old → new."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from customers.enums import PriceApproval
from customers.models import CustomerPrice
from orders.models import PriceList, PriceListItem
from orders.services.customer_prices import (
    customer_price_approve,
    customer_price_create,
    customer_price_refuse,
    customer_price_update,
)
from orders.services.pricing import price_quote
from salesadmin.clock import company_today
from salesadmin.errors import ApplicationError
from salesadmin.models import MasterDataChange
from tests.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db

TODAY = company_today()


@pytest.fixture
def listed():
    """A product on today's list at 100.00, and a customer."""
    product = ProductFactory()
    price_list = PriceList.objects.create(
        code="PL", name="List", valid_from=TODAY - dt.timedelta(days=30)
    )
    PriceListItem.objects.create(
        price_list=price_list,
        product=product,
        standard_price=Decimal("100.00"),
        minimum_price=Decimal("95.00"),
    )
    return CustomerFactory(), product


def applied(customer, product):
    return price_quote(customer_id=customer.pk, product_id=product.pk, on=TODAY).price


def history(cp):
    return list(
        MasterDataChange.objects.filter(record_type="customer_price", record_id=cp.pk)
        .order_by("id")
        .values_list("field", "old_value", "new_value", "user__username")
    )


# --- services -----------------------------------------------------------------------------


def test_a_price_at_or_above_the_list_applies_at_once(clerk, listed):
    customer, product = listed
    cp = customer_price_create(
        user=clerk, customer=customer, product=product, price=Decimal("100"), valid_from=TODAY
    )
    assert cp.approval == PriceApproval.APPROVED
    assert cp.list_price == Decimal("100.00")
    assert applied(customer, product) == Decimal("100.00")


def test_a_clerks_price_below_the_list_waits_for_a_manager(clerk, manager, listed):
    customer, product = listed
    cp = customer_price_create(
        user=clerk, customer=customer, product=product, price=Decimal("90"), valid_from=TODAY
    )
    assert cp.approval == PriceApproval.PENDING
    # Pending: pricing still offers the list price.
    assert applied(customer, product) == Decimal("100.00")
    customer_price_approve(customer_price=cp, user=manager, comment="long-standing customer")
    cp.refresh_from_db()
    assert (cp.approval, cp.decided_by) == (PriceApproval.APPROVED, manager)
    assert applied(customer, product) == Decimal("90.00")
    assert ("approval", "pending", "approved", "manager") in history(cp)
    assert ("decision_comment", "", "long-standing customer", "manager") in history(cp)
    assert ("price", "", "90", "clerk") in history(cp)


def test_a_price_for_a_product_on_no_list_waits_too(clerk):
    cp = customer_price_create(
        user=clerk,
        customer=CustomerFactory(),
        product=ProductFactory(),
        price=Decimal("5"),
        valid_from=TODAY,
    )
    assert (cp.approval, cp.list_price) == (PriceApproval.PENDING, None)


def test_a_managers_own_price_below_the_list_is_approved_by_setting_it(manager, listed):
    customer, product = listed
    cp = customer_price_create(
        user=manager, customer=customer, product=product, price=Decimal("80"), valid_from=TODAY
    )
    assert (cp.approval, cp.decided_by) == (PriceApproval.APPROVED, manager)
    assert applied(customer, product) == Decimal("80.00")


def test_only_a_manager_approves_or_refuses(clerk, finance, keeper, manager, listed):
    customer, product = listed
    cp = customer_price_create(
        user=clerk, customer=customer, product=product, price=Decimal("90"), valid_from=TODAY
    )
    for user in (clerk, finance, keeper):
        with pytest.raises(PermissionDenied):
            customer_price_approve(customer_price=cp, user=user)
        with pytest.raises(PermissionDenied):
            customer_price_refuse(customer_price=cp, user=user, comment="no")
    cp.refresh_from_db()
    assert cp.approval == PriceApproval.PENDING
    with pytest.raises(PermissionDenied):
        customer_price_create(
            user=finance, customer=customer, product=product, price=Decimal("1"), valid_from=TODAY
        )


def test_a_refusal_needs_a_reason_and_the_price_never_applies(clerk, manager, listed):
    customer, product = listed
    cp = customer_price_create(
        user=clerk, customer=customer, product=product, price=Decimal("90"), valid_from=TODAY
    )
    with pytest.raises(ApplicationError) as refused:
        customer_price_refuse(customer_price=cp, user=manager, comment="  ")
    assert refused.value.code == "comment_required"
    customer_price_refuse(customer_price=cp, user=manager, comment="too low")
    cp.refresh_from_db()
    assert cp.approval == PriceApproval.REFUSED
    assert applied(customer, product) == Decimal("100.00")
    with pytest.raises(ApplicationError) as again:
        customer_price_approve(customer_price=cp, user=manager)
    assert again.value.code == "not_pending"


def test_a_change_below_the_list_waits_again(clerk, listed):
    customer, product = listed
    cp = customer_price_create(
        user=clerk, customer=customer, product=product, price=Decimal("110"), valid_from=TODAY
    )
    customer_price_update(customer_price=cp, user=clerk, price=Decimal("95"), valid_from=TODAY)
    cp.refresh_from_db()
    assert cp.approval == PriceApproval.PENDING
    assert ("price", "110", "95", "clerk") in history(cp)
    assert ("approval", "approved", "pending", "clerk") in history(cp)


def test_a_second_price_from_the_same_date_is_refused(clerk, listed):
    customer, product = listed
    customer_price_create(
        user=clerk, customer=customer, product=product, price=Decimal("100"), valid_from=TODAY
    )
    with pytest.raises(ApplicationError) as refused:
        customer_price_create(
            user=clerk, customer=customer, product=product, price=Decimal("101"), valid_from=TODAY
        )
    assert refused.value.code == "price_exists"
    assert CustomerPrice.objects.count() == 1


def test_dates_out_of_order_are_refused(clerk, listed):
    customer, product = listed
    with pytest.raises(ApplicationError) as refused:
        customer_price_create(
            user=clerk,
            customer=customer,
            product=product,
            price=Decimal("100"),
            valid_from=TODAY,
            valid_to=TODAY - dt.timedelta(days=1),
        )
    assert refused.value.code == "dates_out_of_order"


# --- pages --------------------------------------------------------------------------------


def test_the_clerk_proposes_and_the_manager_approves_in_the_browser(
    client_for, clerk, manager, listed
):
    customer, product = listed
    response = client_for(clerk).post(
        "/orders/customer-prices/new/",
        {
            "customer": customer.pk,
            "product": product.pk,
            "price": "90",
            "valid_from": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    cp = CustomerPrice.objects.get()
    assert cp.approval == PriceApproval.PENDING
    page = client_for(clerk).get(f"/orders/customer-prices/{cp.pk}/")
    assert b'value="approve"' not in page.content
    forbidden = client_for(clerk).post(f"/orders/customer-prices/{cp.pk}/", {"action": "approve"})
    assert forbidden.status_code == 403
    manager_client = client_for(manager)
    listing = manager_client.get("/orders/customer-prices/")
    assert "approval=pending" in listing.content.decode()
    page = manager_client.get(f"/orders/customer-prices/{cp.pk}/")
    assert b'value="approve"' in page.content
    refused = manager_client.post(
        f"/orders/customer-prices/{cp.pk}/", {"action": "refuse", "decision-comment": ""}
    )
    assert refused.status_code == 400
    done = manager_client.post(
        f"/orders/customer-prices/{cp.pk}/", {"action": "approve", "decision-comment": "ok"}
    )
    assert done.status_code == 302
    cp.refresh_from_db()
    assert cp.approval == PriceApproval.APPROVED
    manager.first_name, manager.last_name = "Mei", "Wang"
    manager.save()
    # People by full name, not login.
    assert "Mei Wang" in manager_client.get(f"/orders/customer-prices/{cp.pk}/").content.decode()


def test_finance_reads_prices_but_cannot_add(client_for, finance, listed):
    client = client_for(finance)
    assert client.get("/orders/customer-prices/").status_code == 200
    assert client.get("/orders/customer-prices/new/").status_code == 403


def test_the_price_list_exports_and_keeps_its_query_count(
    client_for, manager, listed, django_assert_max_num_queries
):
    customer, product = listed
    for n in range(30):
        CustomerPrice.objects.create(
            customer=CustomerFactory(), product=product, price=Decimal(n), valid_from=TODAY
        )
    client = client_for(manager)
    client.get("/orders/customer-prices/")
    with django_assert_max_num_queries(12):
        assert client.get("/orders/customer-prices/").status_code == 200
    export = client.get("/orders/customer-prices/?export=csv")
    assert export.status_code == 200
    assert product.sku in export.content.decode("utf-8-sig")


# --- API ----------------------------------------------------------------------------------


def test_the_api_sets_and_approves_a_price(api_for, clerk, manager, listed):
    customer, product = listed
    body = {
        "customer": customer.pk,
        "product": product.pk,
        "price": "90.00",
        "valid_from": TODAY.isoformat(),
    }
    created = api_for(clerk).post("/api/v1/customer-prices/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["approval"] == "pending"
    pk = created.json()["id"]
    refused = api_for(clerk).post(f"/api/v1/customer-prices/{pk}/approve/", {}, format="json")
    assert refused.status_code == 403
    smuggled = api_for(clerk).patch(
        f"/api/v1/customer-prices/{pk}/", dict(body, approval="approved"), format="json"
    )
    assert smuggled.status_code == 400
    no_reason = api_for(manager).post(f"/api/v1/customer-prices/{pk}/refuse/", {}, format="json")
    assert (no_reason.status_code, no_reason.json()["code"]) == (400, "comment_required")
    approved = api_for(manager).post(
        f"/api/v1/customer-prices/{pk}/approve/", {"comment": "ok"}, format="json"
    )
    assert approved.status_code == 200
    assert approved.json()["approval"] == "approved"
    again = api_for(manager).post(f"/api/v1/customer-prices/{pk}/approve/", {}, format="json")
    assert (again.status_code, again.json()["code"]) == (400, "not_pending")
    listing = api_for(manager).get("/api/v1/customer-prices/?approval=approved")
    assert [p["id"] for p in listing.json()["results"]] == [pk]


def test_the_api_refuses_a_role_without_prices(api_for, keeper):
    assert api_for(keeper).get("/api/v1/customer-prices/").status_code == 403
