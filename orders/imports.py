"""Price lists and customers' agreed prices from a spreadsheet.

A price list is found by its code and an item by (list, product); a customer's
price by (customer, product, valid from). Known rows are updated, new ones
added, so the same file twice changes nothing. Orders keep the price they were
made with: their lines hold it, whatever a later import says.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.enums import PriceApproval
from customers.imports import CUSTOMER_BY_CODE
from customers.models import Customer, CustomerPrice
from inventory.imports import PRODUCT_BY_SKU
from inventory.models import Product
from orders.models import PriceList, PriceListItem
from salesadmin import imports as sheet
from salesadmin.imports import Column, Counts, ImportKind, RowError, RowProblem


def _dates(values: dict) -> tuple[dt.date, dt.date | None]:
    start = sheet.date(values, "valid_from")
    end = sheet.date(values, "valid_to", required=False)
    if end is not None and end < start:
        raise RowProblem(_("The end date is before the start date."), "valid_to")
    return start, end


# --- price lists --------------------------------------------------------------------------


@dataclass
class PriceListRow:
    row: int
    code: str
    name: str
    valid_from: dt.date
    valid_to: dt.date | None
    sku: str
    standard_price: Decimal
    minimum_price: Decimal
    product: Product | None = None


PRICE_LIST_COLUMNS = (
    Column("list_code", gettext_lazy("price list code"), True, "PL2026"),
    Column("list_name", gettext_lazy("price list name"), True, "2026 常用规格价格表"),
    Column("valid_from", gettext_lazy("valid from"), True, "2026-01-01"),
    Column("valid_to", gettext_lazy("valid to"), False, ""),
    Column("sku", gettext_lazy("SKU"), True, "O2-40L"),
    Column("standard_price", gettext_lazy("standard price"), True, "35.00"),
    Column("minimum_price", gettext_lazy("minimum price"), False, "30.00"),
)


def _read_price_list(number: int, values: dict) -> PriceListRow:
    start, end = _dates(values)
    standard = sheet.money(values, "standard_price")
    minimum = sheet.money(values, "minimum_price", required=False, default=standard)
    if standard < 0 or minimum < 0:
        raise RowProblem(_("A price cannot be negative."))
    if minimum > standard:
        raise RowProblem(_("The minimum price is above the standard price."), "minimum_price")
    return PriceListRow(
        row=number,
        code=sheet.text(values, "list_code", required=True, max_length=20),
        name=sheet.text(values, "list_name", required=True, max_length=100),
        valid_from=start,
        valid_to=end,
        sku=sheet.text(values, "sku", required=True),
        standard_price=standard,
        minimum_price=minimum,
    )


def check_price_lists(rows, errors: list[RowError], user) -> list[PriceListRow]:
    items = sheet.check_rows(rows, errors, _read_price_list)
    items = sheet.duplicates(items, lambda i: (i.code, i.sku), errors, _("price list and SKU"))
    items = sheet.agree(
        items,
        errors,
        key=lambda i: i.code,
        value=lambda i: (i.name, i.valid_from, i.valid_to),
        column="",
        message=_("Row %(row)s gives this price list another name or other dates."),
    )
    return PRODUCT_BY_SKU(items, errors)


def apply_price_lists(items: list[PriceListRow], user) -> Counts:
    sheet.require_perms(user, "orders.add_pricelist", "orders.change_pricelist")
    lists = PriceList.objects.in_bulk({i.code for i in items}, field_name="code")
    for item in items:
        price_list = lists.get(item.code)
        head = (item.name, item.valid_from, item.valid_to)
        if price_list is None:
            lists[item.code] = PriceList.objects.create(
                code=item.code, name=item.name, valid_from=item.valid_from, valid_to=item.valid_to
            )
        elif (price_list.name, price_list.valid_from, price_list.valid_to) != head:
            price_list.name, price_list.valid_from, price_list.valid_to = head
            price_list.save(update_fields=["name", "valid_from", "valid_to"])
    known = {
        (i.price_list_id, i.product_id): i
        for i in PriceListItem.objects.filter(price_list__in=list(lists.values()))
    }

    def prices(item: PriceListRow) -> dict:
        return {"standard_price": item.standard_price, "minimum_price": item.minimum_price}

    new_rows, changed = sheet.new_and_changed(
        items, known, key=lambda i: (lists[i.code].pk, i.product.pk), values=prices
    )
    new = [
        PriceListItem(price_list_id=lists[i.code].pk, product=i.product, **prices(i))
        for i in new_rows
    ]
    PriceListItem.objects.bulk_create(new, batch_size=1000)
    PriceListItem.objects.bulk_update(changed, ["standard_price", "minimum_price"], batch_size=1000)
    return Counts.of(items, new, changed)


PRICE_LISTS = ImportKind(
    key="price_lists",
    label=gettext_lazy("Price lists"),
    permission="orders.add_pricelist",
    columns=PRICE_LIST_COLUMNS,
    check=check_price_lists,
    apply=apply_price_lists,
    description=gettext_lazy(
        "One row per price list and product. A list's name and dates repeat on each of its rows; "
        "a new version is a new list code with its own start date. "
        "The minimum price is the standard price when left blank."
    ),
)


# --- customers' agreed prices -------------------------------------------------------------


@dataclass
class CustomerPriceRow:
    row: int
    customer_code: str
    sku: str
    price: Decimal
    valid_from: dt.date
    valid_to: dt.date | None
    customer: Customer | None = None
    product: Product | None = None


CUSTOMER_PRICE_COLUMNS = (
    Column("customer", gettext_lazy("customer code"), True, "C001"),
    Column("sku", gettext_lazy("SKU"), True, "O2-40L"),
    Column("price", gettext_lazy("unit price"), True, "33.00"),
    Column("valid_from", gettext_lazy("valid from"), True, "2026-01-01"),
    Column("valid_to", gettext_lazy("valid to"), False, ""),
)


def _read_customer_price(number: int, values: dict) -> CustomerPriceRow:
    start, end = _dates(values)
    price = sheet.money(values, "price")
    if price < 0:
        raise RowProblem(_("A price cannot be negative."), "price")
    return CustomerPriceRow(
        row=number,
        customer_code=sheet.text(values, "customer", required=True),
        sku=sheet.text(values, "sku", required=True),
        price=price,
        valid_from=start,
        valid_to=end,
    )


def check_customer_prices(rows, errors: list[RowError], user) -> list[CustomerPriceRow]:
    items = sheet.check_rows(rows, errors, _read_customer_price)
    items = sheet.duplicates(
        items,
        lambda i: (i.customer_code, i.sku, i.valid_from),
        errors,
        _("customer, SKU and start date"),
    )
    return PRODUCT_BY_SKU(CUSTOMER_BY_CODE(items, errors), errors)


def apply_customer_prices(items: list[CustomerPriceRow], user) -> Counts:
    sheet.require_perms(
        user,
        "customers.add_customerprice",
        "customers.change_customerprice",
        "customers.approve_customerprice",
    )
    now = timezone.now()
    known = {
        (p.customer_id, p.product_id, p.valid_from): p
        for p in CustomerPrice.objects.filter(
            customer_id__in={i.customer.pk for i in items},
            product_id__in={i.product.pk for i in items},
        )
    }

    def terms(item: CustomerPriceRow) -> dict:
        # An imported price is approved by the importing manager.
        return {"price": item.price, "valid_to": item.valid_to, "approval": PriceApproval.APPROVED}

    new_rows, changed = sheet.new_and_changed(
        items, known, key=lambda i: (i.customer.pk, i.product.pk, i.valid_from), values=terms
    )
    new = [
        CustomerPrice(
            customer=i.customer,
            product=i.product,
            valid_from=i.valid_from,
            **terms(i),
            requested_by=user,
            decided_by=user,
            decided_at=now,
        )
        for i in new_rows
    ]
    for row in changed:
        row.decided_by, row.decided_at = user, now
    CustomerPrice.objects.bulk_create(new, batch_size=1000)
    CustomerPrice.objects.bulk_update(
        changed, ["price", "valid_to", "approval", "decided_by", "decided_at"], batch_size=1000
    )
    return Counts.of(items, new, changed)


CUSTOMER_PRICES = ImportKind(
    key="customer_prices",
    label=gettext_lazy("Customers' agreed prices"),
    # The approver's permission, not the clerk's add: an imported price applies
    # at once, whatever the list says.
    permission="customers.approve_customerprice",
    columns=CUSTOMER_PRICE_COLUMNS,
    check=check_customer_prices,
    apply=apply_customer_prices,
    description=gettext_lazy(
        "One row per customer, product and start date. Only a manager imports agreed prices: "
        "importing them is the manager's approval."
    ),
)
