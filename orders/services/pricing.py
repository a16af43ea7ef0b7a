"""Prices: the customer's own agreed price (老客户价格表), else the standard list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from customers.models import CustomerPrice
from orders.enums import PriceSource
from orders.models import PriceListItem


@dataclass(frozen=True)
class PriceQuote:
    price: Decimal | None
    source: str | None
    list_price: Decimal | None
    minimum_price: Decimal | None
    customer_price: Decimal | None

    @property
    def reference_price(self) -> Decimal | None:
        """The price a line must reach to need no approval: the customer's
        agreed price when there is one (a manager agreed it), else the list's."""
        return self.customer_price if self.customer_price is not None else self.list_price


def _valid_on(on: dt.date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def price_quotes(*, customer_id: int, product_ids: list[int], on: dt.date) -> dict[int, PriceQuote]:
    """Quotes for many products in two queries (an order with any number of lines)."""
    customer_prices: dict[int, Decimal] = {}
    for cp in (
        CustomerPrice.objects.filter(
            _valid_on(on), customer_id=customer_id, product_id__in=product_ids
        )
        .order_by("product_id", "-valid_from")
        .distinct("product_id")
    ):
        customer_prices[cp.product_id] = cp.price
    list_items: dict[int, PriceListItem] = {}
    for item in (
        PriceListItem.objects.filter(
            product_id__in=product_ids,
            price_list__valid_from__lte=on,
        )
        .filter(Q(price_list__valid_to__isnull=True) | Q(price_list__valid_to__gte=on))
        .order_by("product_id", "-price_list__valid_from")
        .distinct("product_id")
    ):
        list_items[item.product_id] = item
    quotes = {}
    for pid in product_ids:
        item = list_items.get(pid)
        cp = customer_prices.get(pid)
        if cp is not None:
            price, source = cp, PriceSource.CUSTOMER
        elif item is not None:
            price, source = item.standard_price, PriceSource.LIST
        else:
            price, source = None, None
        quotes[pid] = PriceQuote(
            price=price,
            source=source,
            list_price=item.standard_price if item else None,
            minimum_price=item.minimum_price if item else None,
            customer_price=cp,
        )
    return quotes


def price_quote(*, customer_id: int, product_id: int, on: dt.date) -> PriceQuote:
    return price_quotes(customer_id=customer_id, product_ids=[product_id], on=on)[product_id]
