"""Prices: the customer's own price wins over the list when valid on the date;
a product with neither has no price and the clerk must enter one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from customers.models import CustomerPrice
from orders.enums import PriceSource
from orders.models import PriceList, PriceListItem, SalesOrder
from orders.services.pricing import price_quote
from orders.services.sales_orders import LineInput, sales_order_create
from salesadmin.clock import company_today
from salesadmin.errors import ApplicationError
from salesadmin.models import DocumentSequence
from tests.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def _customer_price(chain, product, price, *, valid_from, valid_to=None, customer=None):
    return CustomerPrice.objects.create(
        customer=customer or chain.customer,
        product=product,
        price=Decimal(price),
        valid_from=valid_from,
        valid_to=valid_to,
    )


def _valid_for_days(from_days: int, to_days: int | None) -> dict:
    """The validity window, in days from today (no end: open-ended)."""
    today = company_today()
    return {
        "valid_from": today + from_days * DAY,
        "valid_to": None if to_days is None else today + to_days * DAY,
    }


def _quote(chain, product, on=None, customer=None):
    return price_quote(
        customer_id=(customer or chain.customer).pk,
        product_id=product.pk,
        on=on or company_today(),
    )


@pytest.mark.parametrize(
    ("from_days", "to_days"),
    [
        pytest.param(-10, None, id="open-ended"),
        pytest.param(-10, 10, id="inside-window"),
        pytest.param(0, 0, id="valid-today-only"),
        pytest.param(-10, 0, id="last-day-today"),
    ],
)
def test_customer_price_wins_over_list_when_valid_on_the_date(chain, from_days, to_days):
    o2 = chain.products[0]
    _customer_price(chain, o2, "28.00", **_valid_for_days(from_days, to_days))

    quote = _quote(chain, o2)

    assert quote.price == Decimal("28.00")
    assert quote.source == PriceSource.CUSTOMER
    # The list's figures stay on the quote for the manager.
    assert quote.list_price == Decimal("30.00")
    assert quote.minimum_price == Decimal("27.00")
    assert quote.reference_price == Decimal("28.00")


def test_order_line_takes_the_customer_price(chain):
    o2 = chain.products[0]
    _customer_price(chain, o2, "28.00", valid_from=company_today() - DAY)

    order = chain.order(("10",), submit=False)

    line = order.lines.get()
    assert (line.unit_price, line.price_source) == (Decimal("28.00"), PriceSource.CUSTOMER)
    assert line.amount == Decimal("280.00")
    assert line.list_price == Decimal("30.00")
    assert order.total == Decimal("280.00")


@pytest.mark.parametrize(
    ("from_days", "to_days"),
    [
        pytest.param(-30, -1, id="expired-yesterday"),
        pytest.param(1, None, id="starts-tomorrow"),
    ],
)
def test_customer_price_not_valid_today_falls_back_to_the_list(chain, from_days, to_days):
    o2 = chain.products[0]
    _customer_price(chain, o2, "20.00", **_valid_for_days(from_days, to_days))

    quote = _quote(chain, o2)

    assert (quote.price, quote.source) == (Decimal("30.00"), PriceSource.LIST)
    assert quote.customer_price is None
    line = chain.order(("10",), submit=False).lines.get()
    assert (line.unit_price, line.price_source) == (Decimal("30.00"), PriceSource.LIST)


def test_quote_on_a_past_date_uses_the_customer_price_valid_then(chain):
    o2 = chain.products[0]
    _customer_price(
        chain, o2, "25.00", valid_from=dt.date(2021, 1, 1), valid_to=dt.date(2021, 1, 31)
    )

    assert _quote(chain, o2, on=dt.date(2021, 1, 15)).price == Decimal("25.00")
    assert _quote(chain, o2, on=dt.date(2021, 2, 1)).price == Decimal("30.00")


def test_the_newest_valid_customer_price_wins(chain):
    o2 = chain.products[0]
    _customer_price(chain, o2, "29.00", valid_from=dt.date(2021, 1, 1))
    _customer_price(chain, o2, "27.50", valid_from=company_today() - DAY)

    assert _quote(chain, o2).price == Decimal("27.50")


def test_another_customers_price_does_not_apply(chain):
    o2 = chain.products[0]
    other = CustomerFactory()
    _customer_price(chain, o2, "10.00", valid_from=dt.date(2021, 1, 1), customer=other)

    quote = _quote(chain, o2)

    assert (quote.price, quote.source) == (Decimal("30.00"), PriceSource.LIST)
    assert _quote(chain, o2, customer=other).price == Decimal("10.00")


def test_a_list_whose_valid_to_passed_is_not_used(chain):
    old = PriceList.objects.create(
        code="PL-2020", name="2020", valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2020, 12, 31)
    )
    gas = ProductFactory(sku="T-N2")
    PriceListItem.objects.create(
        price_list=old, product=gas, standard_price=Decimal("12.00"), minimum_price=Decimal("11")
    )

    today_quote = _quote(chain, gas)
    then_quote = _quote(chain, gas, on=dt.date(2020, 6, 1))

    assert (today_quote.price, today_quote.source, today_quote.list_price) == (None, None, None)
    assert (then_quote.price, then_quote.source) == (Decimal("12.00"), PriceSource.LIST)


def test_a_newer_list_supersedes_an_older_open_one(chain):
    newer = PriceList.objects.create(code="PL-NEW", name="new", valid_from=company_today() - DAY)
    o2 = chain.products[0]
    PriceListItem.objects.create(
        price_list=newer, product=o2, standard_price=Decimal("32.00"), minimum_price=Decimal("30")
    )

    quote = _quote(chain, o2)

    assert (quote.price, quote.list_price, quote.minimum_price) == (
        Decimal("32.00"),
        Decimal("32.00"),
        Decimal("30.00"),
    )
    # On a date before the new list, the old one still answers.
    assert _quote(chain, o2, on=company_today() - 2 * DAY).price == Decimal("30.00")


def test_product_on_no_list_and_no_customer_price_has_no_price(chain):
    unlisted = ProductFactory(sku="T-HE")

    quote = _quote(chain, unlisted)

    assert quote == quote.__class__(
        price=None, source=None, list_price=None, minimum_price=None, customer_price=None
    )
    with pytest.raises(ApplicationError) as excinfo:
        sales_order_create(
            user=chain.clerk,
            customer=chain.customer,
            lines=[LineInput(product=unlisted, quantity=Decimal("1"))],
        )
    assert excinfo.value.code == "price_required"
    # Nothing written and no contract number used up.
    assert not SalesOrder.objects.exists()
    assert not DocumentSequence.objects.filter(doc_type="sales_order").exists()


def test_manual_price_for_an_unlisted_product_keeps_source_manual(chain):
    unlisted = ProductFactory(sku="T-HE")

    order = sales_order_create(
        user=chain.clerk,
        customer=chain.customer,
        lines=[LineInput(product=unlisted, quantity=Decimal("2"), unit_price=Decimal("55.50"))],
    )

    line = order.lines.get()
    assert (line.unit_price, line.price_source) == (Decimal("55.50"), PriceSource.MANUAL)
    assert (line.list_price, line.minimum_price) == (None, None)
    assert order.total == Decimal("111.00")


@pytest.mark.parametrize("price", ["31.00", "28.00"])
def test_manual_price_differing_from_the_list_is_manual(chain, price):
    line = chain.order(("10",), prices=[Decimal(price)], submit=False).lines.get()

    assert (line.unit_price, line.price_source) == (Decimal(price), PriceSource.MANUAL)
    assert line.list_price == Decimal("30.00")


def test_typing_the_list_price_is_not_a_manual_price(chain):
    line = chain.order(("10",), prices=[Decimal("30.00")], submit=False).lines.get()

    assert line.price_source == PriceSource.LIST


@pytest.mark.parametrize(
    ("price", "code"),
    [
        pytest.param("-1.00", "invalid_price", id="negative"),
        pytest.param("1.001", "invalid_price", id="three-decimals"),
        pytest.param("abc", "invalid_price", id="not-a-number"),
        pytest.param("NaN", "invalid_price", id="nan"),
    ],
)
def test_invalid_manual_prices_are_refused(chain, price, code):
    with pytest.raises(ApplicationError) as excinfo:
        chain.order(("10",), prices=[price], submit=False)

    assert excinfo.value.code == code
    assert not SalesOrder.objects.exists()


def test_quotes_for_many_products_are_one_query(chain, django_assert_num_queries):
    from orders.services.pricing import price_quotes

    _customer_price(chain, chain.products[1], "1.20", valid_from=company_today())
    unlisted = ProductFactory(sku="T-NONE")
    ids = [p.pk for p in chain.products] + [unlisted.pk, chain.products[0].pk]  # one twice
    with django_assert_num_queries(1):
        quotes = price_quotes(customer_id=chain.customer.pk, product_ids=ids, on=company_today())

    first, second, third = (quotes[p.pk] for p in chain.products)
    assert (first.price, first.source, first.minimum_price) == (
        Decimal("30.00"),
        PriceSource.LIST,
        Decimal("27.00"),
    )
    assert (second.price, second.source, second.list_price) == (
        Decimal("1.20"),
        PriceSource.CUSTOMER,
        Decimal("1.50"),
    )
    assert third.price == Decimal("80.00")
    assert quotes[unlisted.pk].price is None and quotes[unlisted.pk].list_price is None
