"""Price lists (常用规格价格表) kept in the browser by the manager, every change in
the master-data history. A new version is a new list with its own start date:
it takes effect on that date (pricing picks the latest list in force) and the
version it replaces ends the day before. Orders keep the price they were made
with: their lines hold it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from customers.services import settable_or_refuse
from inventory.models import Product
from orders.models import PriceList, PriceListItem
from salesadmin.db import locked
from salesadmin.decimal_input import parse_money
from salesadmin.errors import ApplicationError
from salesadmin.history import history_record, snapshot

LIST_FIELDS = ("code", "name", "valid_from", "valid_to")
ITEM_FIELDS = ("standard_price", "minimum_price")


def _clean(instance) -> None:
    try:
        instance.full_clean()
    except DjangoValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ApplicationError(" ".join(messages), code="invalid", extra={"field": field}) from exc


def _dates_ordered(valid_from: dt.date, valid_to: dt.date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        raise ApplicationError(
            _("The end date is before the start date."),
            code="dates_out_of_order",
            extra={"field": "valid_to"},
        )


@transaction.atomic
def price_list_create(
    *,
    user,
    code: str,
    name: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    copy_from: PriceList | None = None,
) -> PriceList:
    """A new list, or a new version of ``copy_from`` with the same items that
    takes over on ``valid_from`` (the old version then ends the day before)."""
    if not user.has_perm("orders.add_pricelist"):
        raise PermissionDenied
    _dates_ordered(valid_from, valid_to)
    price_list = PriceList(code=code, name=name, valid_from=valid_from, valid_to=valid_to)
    before = snapshot(price_list, LIST_FIELDS)
    _clean(price_list)
    if copy_from is not None:
        previous = locked(PriceList.objects).get(pk=copy_from.pk)
        if valid_from <= previous.valid_from:
            raise ApplicationError(
                _("A new version must start after the version it replaces (%(date)s).")
                % {"date": previous.valid_from},
                code="version_starts_too_early",
                extra={"field": "valid_from"},
            )
    price_list.save()
    history_record(instance=price_list, record_type="price_list", before=before, user=user)
    if copy_from is not None:
        PriceListItem.objects.bulk_create(
            PriceListItem(
                price_list=price_list,
                product_id=item.product_id,
                standard_price=item.standard_price,
                minimum_price=item.minimum_price,
            )
            for item in previous.items.all()
        )
        end = valid_from - dt.timedelta(days=1)
        if previous.valid_to is None or previous.valid_to > end:
            old = snapshot(previous, LIST_FIELDS)
            previous.valid_to = end
            previous.save(update_fields=["valid_to"])
            history_record(instance=previous, record_type="price_list", before=old, user=user)
    return price_list


@transaction.atomic
def price_list_update(*, price_list: PriceList, user, **fields) -> PriceList:
    settable_or_refuse(user, "orders.change_pricelist", fields, LIST_FIELDS)
    price_list = locked(PriceList.objects).get(pk=price_list.pk)
    before = snapshot(price_list, LIST_FIELDS)
    for name, value in fields.items():
        setattr(price_list, name, value)
    _dates_ordered(price_list.valid_from, price_list.valid_to)
    _clean(price_list)
    price_list.save()
    history_record(instance=price_list, record_type="price_list", before=before, user=user)
    return price_list


@transaction.atomic
def price_list_item_set(
    *, price_list: PriceList, product: Product, standard_price, minimum_price=None, user
) -> PriceListItem:
    """Put a product on a list or change its prices. The minimum price (below it
    a manager approves the order) defaults to the standard price."""
    if not user.has_perm("orders.change_pricelist"):
        raise PermissionDenied
    standard = parse_money(standard_price)
    minimum = standard if minimum_price in (None, "") else parse_money(minimum_price)
    if standard < 0 or minimum < 0:
        raise ApplicationError(_("A price cannot be negative."), code="invalid_amount")
    if minimum > standard:
        raise ApplicationError(
            _("The minimum price is above the standard price."),
            code="minimum_above_standard",
            extra={"field": "minimum_price"},
        )
    price_list = locked(PriceList.objects).get(pk=price_list.pk)
    item = locked(PriceListItem.objects).filter(
        price_list=price_list, product=product
    ).first() or PriceListItem(price_list=price_list, product=product)
    before = snapshot(item, ITEM_FIELDS)
    item.standard_price, item.minimum_price = Decimal(standard), Decimal(minimum)
    item.save()
    history_record(instance=item, record_type="price_list_item", before=before, user=user)
    return item
