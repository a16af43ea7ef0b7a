"""Customer pages through HTTP: the form reaches the rules, and bad input is shown, not lost."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from customers.models import CreditChange, Customer
from tests.factories import CustomerFactory


def _form(**overrides):
    data = {
        "code": "C9001",
        "name": "安吉县测试钢构有限公司",
        "tax_id": "",
        "bank_name": "",
        "bank_account": "",
        "address": "",
        "salesperson": "",
        "trading_since": "",
        "active": "on",
        "notes": "",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
        "contacts-0-name": "张三",
        "contacts-0-title": "采购",
        "contacts-0-email": "zhang@example.com",
        "contacts-0-phone": "139-0000-0000",
        "contacts-0-is_primary": "on",
    }
    data.update(overrides)
    return data


def test_clerk_creates_a_customer_with_tenure_defaults(clerk, client_for):
    since = timezone.localdate() - dt.timedelta(days=2 * 365)
    response = client_for(clerk).post("/customers/new/", _form(trading_since=since.isoformat()))
    customer = Customer.objects.get(code="C9001")
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.pk}/"
    assert (customer.credit_terms, customer.credit_limit) == ("monthly", Decimal("15000.00"))
    assert customer.contacts.get().name == "张三"
    assert CreditChange.objects.filter(customer=customer, changed_by=clerk).count() == 2


def test_missing_date_is_shown_in_the_users_language_and_nothing_is_saved(clerk, client_for):
    client = client_for(clerk)
    client.cookies["django_language"] = "zh-hans"
    response = client.post("/customers/new/", _form())
    assert response.status_code == 200
    with translation.override("zh-hans"):
        required = translation.gettext("This field is required.")
    assert required != "This field is required."
    assert required in response.content.decode()
    assert not Customer.objects.filter(code="C9001").exists()


def test_duplicate_code_is_refused_with_a_message(clerk, client_for):
    CustomerFactory(code="C9001")
    response = client_for(clerk).post("/customers/new/", _form(trading_since="2020-01-01"))
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert Customer.objects.filter(code="C9001").count() == 1


def test_clerk_cannot_smuggle_credit_fields_through_the_edit_form(clerk, client_for):
    customer = CustomerFactory(code="C9001", trading_since=dt.date(2010, 1, 1))
    data = _form(
        trading_since="2010-01-01",
        credit_limit="999999",
        on_credit_hold="on",
        **{"contacts-TOTAL_FORMS": "0"},
    )
    response = client_for(clerk).post(f"/customers/{customer.pk}/edit/", data)
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.credit_limit == Decimal("0.00")
    assert customer.on_credit_hold is False


def test_manager_puts_a_customer_on_hold_and_releases_it(manager, client_for):
    customer = CustomerFactory()
    client = client_for(manager)
    url = f"/customers/{customer.pk}/credit/"
    assert client.post(url, {"action": "hold", "reason": "逾期"}).status_code == 302
    customer.refresh_from_db()
    assert customer.on_credit_hold and customer.credit_hold_reason == "逾期"
    assert client.post(url, {"action": "release", "reason": "已付清"}).status_code == 302
    customer.refresh_from_db()
    assert not customer.on_credit_hold


def test_hold_without_a_reason_is_refused_on_the_page(manager, client_for):
    customer = CustomerFactory()
    response = client_for(manager).post(
        f"/customers/{customer.pk}/credit/", {"action": "hold", "reason": ""}
    )
    assert response.status_code == 200
    customer.refresh_from_db()
    assert not customer.on_credit_hold


def test_manager_sets_custom_terms_on_the_page(manager, client_for):
    customer = CustomerFactory()
    response = client_for(manager).post(
        f"/customers/{customer.pk}/credit/",
        {"action": "terms", "terms": "quarterly", "limit": "80000", "reason": "总经理批准"},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.credit_terms, customer.credit_limit, customer.credit_terms_custom) == (
        "quarterly",
        Decimal("80000.00"),
        True,
    )


@pytest.mark.parametrize("rows", [3, 30])
def test_customer_list_query_count_does_not_grow_with_rows(
    rows, clerk, client_for, django_assert_max_num_queries
):
    for i in range(rows):
        customer = CustomerFactory(salesperson=clerk)
        customer.contacts.create(name=f"联系人{i}", phone="1", is_primary=True)
    client = client_for(clerk)
    # 9: the page's own 4 plus the chrome (session, user, permissions, the menu's
    # roles, its work count and the unread notices), none of them per row.
    with django_assert_max_num_queries(9):
        response = client.get("/customers/")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(rows, 25)


@pytest.mark.parametrize("rows", [3, 30])
def test_customer_api_query_count_does_not_grow_with_rows(
    rows, clerk, client_for, django_assert_max_num_queries
):
    for i in range(rows):
        CustomerFactory(salesperson=clerk).contacts.create(name=f"联系人{i}")
    client = client_for(clerk)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/customers/")
    assert response.json()["count"] == rows
