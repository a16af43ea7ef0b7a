"""Prices: the customer's own agreed price (老客户价格表), else the standard list;
and the one path that prices the lines of an order or a quotation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.db import connection
from django.utils.translation import gettext as _

from customers.models import CustomerPrice
from inventory.models import Product
from orders.enums import PriceSource
from orders.models import PriceList, PriceListItem
from salesadmin.decimal_input import parse_money, parse_positive_quantity, round_money
from salesadmin.errors import ApplicationError


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


def _quotes_sql() -> str:
    return f"""
        SELECT p.id,
               (SELECT cp.price FROM {CustomerPrice._meta.db_table} cp
                 WHERE cp.customer_id = %(customer)s AND cp.product_id = p.id
                   AND cp.approval = 'approved'
                   AND cp.valid_from <= %(on)s AND (cp.valid_to IS NULL OR cp.valid_to >= %(on)s)
                 ORDER BY cp.valid_from DESC LIMIT 1),
               item.standard_price, item.minimum_price
          FROM UNNEST(%(products)s::bigint[]) AS p(id)
          LEFT JOIN LATERAL (
                SELECT i.standard_price, i.minimum_price
                  FROM {PriceListItem._meta.db_table} i
                  JOIN {PriceList._meta.db_table} l ON l.id = i.price_list_id
                 WHERE i.product_id = p.id
                   AND l.valid_from <= %(on)s AND (l.valid_to IS NULL OR l.valid_to >= %(on)s)
                 ORDER BY l.valid_from DESC LIMIT 1) item ON TRUE"""


def price_quotes(*, customer_id: int, product_ids: list[int], on: dt.date) -> dict[int, PriceQuote]:
    """Quotes for many products in one query (an order with any number of lines):
    per product, the customer's price valid on ``on`` (the latest to start),
    and the item of the price list valid on ``on`` (the latest to start).

    Written out: every order entry and submit asks, and the ORM spent more
    compiling the two DISTINCT ON queries this replaces than running them."""
    with connection.cursor() as cursor:
        cursor.execute(
            _quotes_sql(), {"customer": customer_id, "on": on, "products": list(product_ids)}
        )
        rows = cursor.fetchall()
    customer_prices = {pid: cp for pid, cp, _list, _min in rows if cp is not None}
    list_items = {pid: (lp, mp) for pid, _cp, lp, mp in rows if lp is not None}
    quotes = {}
    for pid in product_ids:
        list_price, minimum_price = list_items.get(pid, (None, None))
        cp = customer_prices.get(pid)
        if cp is not None:
            price, source = cp, PriceSource.CUSTOMER
        elif list_price is not None:
            price, source = list_price, PriceSource.LIST
        else:
            price, source = None, None
        quotes[pid] = PriceQuote(
            price=price,
            source=source,
            list_price=list_price,
            minimum_price=minimum_price,
            customer_price=cp,
        )
    return quotes


def price_quote(*, customer_id: int, product_id: int, on: dt.date) -> PriceQuote:
    return price_quotes(customer_id=customer_id, product_ids=[product_id], on=on)[product_id]


class LineToPrice(Protocol):
    product: Product
    quantity: Decimal
    unit_price: Decimal | None  # None (or ""): take the resolved price


@dataclass(frozen=True)
class PricedLine:
    """A line as an order or a quotation stores it (the fields both line models share)."""

    position: int
    product: Product
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    price_source: str
    list_price: Decimal | None
    minimum_price: Decimal | None

    def fields(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def price_lines(*, customer_id: int, on: dt.date, lines: Sequence[LineToPrice]) -> list[PricedLine]:
    """Price entered lines as orders are priced: each product still sold, a
    positive quantity, the entered price (never negative) or else the resolved
    one (a product with neither is refused), its source (manual when the entered
    price differs), and the list and minimum prices kept for the approval."""
    if not lines:
        raise ApplicationError(_("Add at least one line."), code="no_lines")
    quotes = price_quotes(
        customer_id=customer_id, product_ids=[line.product.pk for line in lines], on=on
    )
    priced = []
    for position, line in enumerate(lines, start=1):
        if not line.product.active:
            raise ApplicationError(
                _("%(product)s is no longer sold.") % {"product": line.product},
                code="product_inactive",
            )
        quantity = parse_positive_quantity(line.quantity)
        quote = quotes[line.product.pk]
        if line.unit_price is None or line.unit_price == "":
            if quote.price is None:
                raise ApplicationError(
                    _("%(product)s has no price: enter one.") % {"product": line.product.sku},
                    code="price_required",
                )
            unit_price, source = quote.price, quote.source
        else:
            unit_price = parse_money(line.unit_price, code="invalid_price")
            if unit_price < 0:
                raise ApplicationError(_("Prices cannot be negative."), code="invalid_price")
            source = quote.source if unit_price == quote.price else PriceSource.MANUAL
        priced.append(
            PricedLine(
                position=position,
                product=line.product,
                quantity=quantity,
                unit_price=unit_price,
                amount=round_money(quantity * unit_price),
                price_source=source,
                list_price=quote.list_price,
                minimum_price=quote.minimum_price,
            )
        )
    return priced
