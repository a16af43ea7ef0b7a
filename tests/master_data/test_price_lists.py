"""Price lists in the browser: versions with effective dates, items, history;
orders keep the price they were made with."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from orders.models import PriceList, PriceListItem
from orders.services.price_lists import (
    price_list_create,
    price_list_item_set,
    price_list_update,
)
from orders.services.pricing import price_quote
from salesadmin.clock import company_today
from salesadmin.errors import ApplicationError
from salesadmin.models import MasterDataChange
from tests.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db

TODAY = company_today()
DAY = dt.timedelta(days=1)


def test_a_new_version_takes_effect_on_its_date_and_ends_the_old_one(manager):
    product = ProductFactory()
    customer = CustomerFactory()
    old = price_list_create(user=manager, code="PL1", name="List", valid_from=TODAY - 30 * DAY)
    price_list_item_set(price_list=old, product=product, standard_price="10.00", user=manager)
    new = price_list_create(
        user=manager, code="PL2", name="List", valid_from=TODAY + 5 * DAY, copy_from=old
    )
    old.refresh_from_db()
    assert old.valid_to == TODAY + 4 * DAY
    assert PriceListItem.objects.get(price_list=new).standard_price == Decimal("10.00")
    price_list_item_set(
        price_list=new, product=product, standard_price="12.00", minimum_price="11", user=manager
    )
    assert price_quote(customer_id=customer.pk, product_id=product.pk, on=TODAY).price == Decimal(
        "10.00"
    )
    later = price_quote(customer_id=customer.pk, product_id=product.pk, on=TODAY + 5 * DAY)
    assert (later.price, later.minimum_price) == (Decimal("12.00"), Decimal("11.00"))
    ended = MasterDataChange.objects.get(
        record_type="price_list", record_id=old.pk, field="valid_to"
    )
    assert (ended.old_value, ended.new_value) == ("", str(TODAY + 4 * DAY))


def test_orders_keep_the_price_they_were_made_with(chain, manager):
    """An order priced from today's list keeps its line price when the list changes."""
    order = chain.order()
    line = order.lines.first()
    price_before = line.unit_price
    item = PriceListItem.objects.filter(product=line.product).first()
    price_list_item_set(
        price_list=item.price_list,
        product=line.product,
        standard_price=price_before + 5,
        user=manager,
    )
    line.refresh_from_db()
    assert line.unit_price == price_before


def test_a_version_must_start_after_the_one_it_replaces(manager):
    old = price_list_create(user=manager, code="PL1", name="List", valid_from=TODAY)
    with pytest.raises(ApplicationError) as refused:
        price_list_create(user=manager, code="PL2", name="List", valid_from=TODAY, copy_from=old)
    assert refused.value.code == "version_starts_too_early"
    assert not PriceList.objects.filter(code="PL2").exists()


def test_dates_out_of_order_and_minimum_above_standard_are_refused(manager):
    with pytest.raises(ApplicationError) as refused:
        price_list_create(
            user=manager, code="PL1", name="L", valid_from=TODAY, valid_to=TODAY - DAY
        )
    assert refused.value.code == "dates_out_of_order"
    price_list = price_list_create(user=manager, code="PL1", name="L", valid_from=TODAY)
    with pytest.raises(ApplicationError) as refused:
        price_list_item_set(
            price_list=price_list,
            product=ProductFactory(),
            standard_price="10",
            minimum_price="11",
            user=manager,
        )
    assert refused.value.code == "minimum_above_standard"
    with pytest.raises(ApplicationError) as refused:
        price_list_update(price_list=price_list, user=manager, valid_to=TODAY - DAY)
    assert refused.value.code == "dates_out_of_order"


def test_only_a_manager_keeps_price_lists(clerk, finance, manager):
    price_list = price_list_create(user=manager, code="PL1", name="L", valid_from=TODAY)
    for user in (clerk, finance):
        with pytest.raises(PermissionDenied):
            price_list_create(user=user, code="PL9", name="L", valid_from=TODAY)
        with pytest.raises(PermissionDenied):
            price_list_update(price_list=price_list, user=user, name="X")
        with pytest.raises(PermissionDenied):
            price_list_item_set(
                price_list=price_list, product=ProductFactory(), standard_price=1, user=user
            )


def test_an_item_change_is_in_the_history(manager):
    product = ProductFactory()
    price_list = price_list_create(user=manager, code="PL1", name="L", valid_from=TODAY)
    item = price_list_item_set(
        price_list=price_list, product=product, standard_price="10", user=manager
    )
    price_list_item_set(
        price_list=price_list,
        product=product,
        standard_price="9.5",
        minimum_price="9",
        user=manager,
    )
    rows = list(
        MasterDataChange.objects.filter(record_type="price_list_item", record_id=item.pk)
        .order_by("id")
        .values_list("field", "old_value", "new_value")
    )
    assert rows == [
        ("standard_price", "", "10"),
        ("minimum_price", "", "10"),
        ("standard_price", "10", "9.5"),
        ("minimum_price", "10", "9"),
    ]


# --- pages --------------------------------------------------------------------------------


def test_the_manager_makes_a_new_version_in_the_browser(client_for, manager):
    product = ProductFactory()
    old = price_list_create(user=manager, code="PL1", name="List", valid_from=TODAY - 10 * DAY)
    price_list_item_set(price_list=old, product=product, standard_price="10", user=manager)
    client = client_for(manager)
    assert client.get(f"/orders/price-lists/new/?copy={old.pk}").status_code == 200
    response = client.post(
        "/orders/price-lists/new/",
        {"code": "PL2", "name": "List", "valid_from": TODAY + DAY, "copy_from": old.pk},
    )
    assert response.status_code == 302
    new = PriceList.objects.get(code="PL2")
    response = client.post(
        f"/orders/price-lists/{new.pk}/",
        {
            "save_item": "",
            "item-product": product.pk,
            "item-standard_price": "11.00",
            "item-minimum_price": "",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/orders/price-lists/{new.pk}/")
    assert [i.standard_price for i in page.context["items"]] == [Decimal("11.00")]
    assert any(h.field == "standard_price" for h in page.context["history"])


def test_a_refused_item_is_a_form_error(client_for, manager):
    price_list = price_list_create(user=manager, code="PL1", name="L", valid_from=TODAY)
    response = client_for(manager).post(
        f"/orders/price-lists/{price_list.pk}/",
        {
            "save_item": "",
            "item-product": ProductFactory().pk,
            "item-standard_price": "10",
            "item-minimum_price": "12",
        },
    )
    assert response.status_code == 400
    assert "above the standard price" in response.content.decode()


def test_others_read_price_lists_and_cannot_change_them(client_for, clerk, manager):
    price_list = price_list_create(user=manager, code="PL1", name="L", valid_from=TODAY)
    client = client_for(clerk)
    assert client.get("/orders/price-lists/").status_code == 200
    page = client.get(f"/orders/price-lists/{price_list.pk}/")
    assert page.status_code == 200 and not page.context["can_change"]
    assert (
        client.post(
            f"/orders/price-lists/{price_list.pk}/", {"save_list": "", "list-name": "X"}
        ).status_code
        == 403
    )
    assert client.get("/orders/price-lists/new/").status_code == 403


def test_the_list_filters_and_exports_the_items(client_for, manager):
    product = ProductFactory(sku="O2")
    now = price_list_create(user=manager, code="NOW", name="L", valid_from=TODAY - DAY)
    price_list_create(user=manager, code="LATER", name="L", valid_from=TODAY + DAY)
    price_list_item_set(price_list=now, product=product, standard_price="10", user=manager)
    client = client_for(manager)
    codes = [pl.code for pl in client.get("/orders/price-lists/?when=now").context["lists"]]
    assert codes == ["NOW"]
    codes = [pl.code for pl in client.get("/orders/price-lists/?when=future").context["lists"]]
    assert codes == ["LATER"]
    export = client.get("/orders/price-lists/?when=now&export=csv").content.decode("utf-8-sig")
    assert export.splitlines()[1].startswith("NOW,L,") and ",O2,10.00,10.00" in export


@pytest.mark.parametrize("items", [5, 100])
def test_the_price_list_page_query_count_does_not_grow(
    client_for, manager, items, django_assert_max_num_queries
):
    price_list = price_list_create(user=manager, code="PL1", name="L", valid_from=TODAY)
    for _ in range(items):
        price_list_item_set(
            price_list=price_list, product=ProductFactory(), standard_price="1", user=manager
        )
    client = client_for(manager)
    with django_assert_max_num_queries(14):
        assert client.get(f"/orders/price-lists/{price_list.pk}/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/orders/price-lists/").status_code == 200
