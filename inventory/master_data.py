"""Products and warehouses kept in the browser by the manager who owns them,
every change kept in the master-data history (who, when, old → new)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from customers.services import settable_or_refuse
from inventory.models import Location, Product, StockLevel, StockMove, Warehouse
from salesadmin.db import locked
from salesadmin.errors import ApplicationError, full_clean_or_refuse
from salesadmin.history import history_record, snapshot

PRODUCT_FIELDS = (
    "sku",
    "name",
    "specification",
    "unit",
    "standard",
    "unit_weight",
    "safety_stock",
    "weighed",
    "non_standard",
    "never_produced",
    "active",
    # Samples and non-sale outbound (issue 11): a tool needs the sales director,
    # and they are reported at this cost.
    "is_tool",
    "standard_cost",
)
WAREHOUSE_FIELDS = ("code", "name", "address", "active")
LOCATION_FIELDS = ("code", "name", "active")


def _save_recorded(record, *, kept: tuple[str, ...], fields: dict, record_type: str, user):
    """Set ``fields``, validate, save and keep the change of the ``kept`` fields in the
    master-data history."""
    before = snapshot(record, kept)
    for name, value in fields.items():
        setattr(record, name, value)
    full_clean_or_refuse(record)
    record.save()
    history_record(instance=record, record_type=record_type, before=before, user=user)
    return record


@transaction.atomic
def product_create(*, user, **fields) -> Product:
    settable_or_refuse(user, "inventory.add_product", fields, PRODUCT_FIELDS)
    product = Product(**fields)
    return _save_recorded(product, kept=PRODUCT_FIELDS, fields={}, record_type="product", user=user)


@transaction.atomic
def product_update(*, product: Product, user, **fields) -> Product:
    """Change a product. Its unit is fixed once stock has moved: the ledger's
    quantities were counted in it."""
    settable_or_refuse(user, "inventory.change_product", fields, PRODUCT_FIELDS)
    product = locked(Product.objects).get(pk=product.pk)
    if (
        fields.get("unit", product.unit) != product.unit
        and StockMove.objects.filter(product=product).exists()
    ):
        raise ApplicationError(
            _("The unit cannot change: stock of this product has moved in it."),
            code="unit_in_use",
        )
    return _save_recorded(
        product, kept=PRODUCT_FIELDS, fields=fields, record_type="product", user=user
    )


@transaction.atomic
def warehouse_create(*, user, **fields) -> Warehouse:
    settable_or_refuse(user, "inventory.add_warehouse", fields, WAREHOUSE_FIELDS)
    warehouse = Warehouse(**fields)
    return _save_recorded(
        warehouse, kept=WAREHOUSE_FIELDS, fields={}, record_type="warehouse", user=user
    )


@transaction.atomic
def warehouse_update(*, warehouse: Warehouse, user, **fields) -> Warehouse:
    """Change a warehouse. One with goods on hand cannot close: they would be
    stranded where nobody may issue them."""
    settable_or_refuse(user, "inventory.change_warehouse", fields, WAREHOUSE_FIELDS)
    warehouse = locked(Warehouse.objects).get(pk=warehouse.pk)
    if (
        warehouse.active
        and fields.get("active") is False
        and StockLevel.objects.filter(warehouse=warehouse, on_hand__gt=0).exists()
    ):
        raise ApplicationError(
            _("This warehouse still holds stock: move it out before closing the warehouse."),
            code="warehouse_has_stock",
        )
    return _save_recorded(
        warehouse, kept=WAREHOUSE_FIELDS, fields=fields, record_type="warehouse", user=user
    )


@transaction.atomic
def location_create(*, user, warehouse: Warehouse, **fields) -> Location:
    """A storage location (库位) in a warehouse. A held location is not a place
    to put locations in: it is itself the warehouse's held area."""
    settable_or_refuse(user, "inventory.add_location", fields, LOCATION_FIELDS)
    if warehouse.is_held:
        raise ApplicationError(
            _("A held location has no storage locations of its own."),
            code="warehouse_is_held",
        )
    location = Location(warehouse=warehouse, **fields)
    return _save_recorded(
        location, kept=LOCATION_FIELDS, fields={}, record_type="location", user=user
    )


@transaction.atomic
def location_update(*, location: Location, user, **fields) -> Location:
    settable_or_refuse(user, "inventory.change_location", fields, LOCATION_FIELDS)
    location = locked(Location.objects).select_related("warehouse").get(pk=location.pk)
    return _save_recorded(
        location, kept=LOCATION_FIELDS, fields=fields, record_type="location", user=user
    )
