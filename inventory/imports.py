"""Products and opening stock from a spreadsheet.

Products are found by SKU: a new SKU creates the product, a known one is
updated (the same file twice changes nothing). Opening stock is a ledger move
of kind opening per warehouse, product and batch, made by
``stock_opening_record``; a batch already given its opening stock is left
alone when the file says the same quantity and refused when it says another,
so a re-run never counts the goods twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inventory import master_data
from inventory.enums import MoveKind, Unit
from inventory.models import Product, StockMove, Warehouse
from inventory.opening_stock import known_batches, stock_opening_record, wrong_date
from salesadmin import imports as sheet
from salesadmin.imports import Column, Counts, ImportKind, RowError, RowProblem

# --- products -----------------------------------------------------------------------------

# Read only when the sheet has the column: a re-import without them keeps what
# each product has (contract types and outbound approvals depend on them).
PRODUCT_OPTIONAL_FLAGS = ("non_standard", "never_produced", "is_tool")
PRODUCT_OPTIONAL = (*PRODUCT_OPTIONAL_FLAGS, "standard_cost")
# The product's fields a sheet always sets (its SKU finds the product).
PRODUCT_FIELDS = tuple(
    f for f in master_data.PRODUCT_FIELDS if f != "sku" and f not in PRODUCT_OPTIONAL
)


@dataclass
class ProductRow:
    row: int
    sku: str
    fields: dict


PRODUCT_COLUMNS = (
    Column("sku", gettext_lazy("SKU"), True, "O2-40L"),
    Column("name", gettext_lazy("name"), True, "工业氧气"),
    Column("specification", gettext_lazy("specification"), False, "40L 15MPa"),
    Column("unit", gettext_lazy("unit"), True, "cyl"),
    Column("standard", gettext_lazy("standard"), False, "GB/T 3863-2008"),
    Column("unit_weight", gettext_lazy("unit weight (kg)"), False, "6.5"),
    Column("safety_stock", gettext_lazy("safety stock"), False, "50"),
    Column("weighed", gettext_lazy("weighed at dispatch"), False, "no"),
    Column("active", gettext_lazy("active"), False, "yes"),
    Column("non_standard", gettext_lazy("non-standard product"), False, "no"),
    Column("never_produced", gettext_lazy("never produced before"), False, "no"),
    Column("is_tool", gettext_lazy("tool"), False, "no"),
    Column("standard_cost", gettext_lazy("standard unit cost"), False, "120.00"),
)

_MAX = sheet.max_lengths(Product)

# Opening stock and price imports name a product by its SKU.
PRODUCT_BY_SKU = sheet.Lookup(
    model=Product,
    field_name="sku",
    code="sku",
    target="product",
    column="sku",
    message=gettext_lazy("No product with this SKU."),
)


def _read_product(number: int, values: dict) -> ProductRow:
    fields = {
        "name": sheet.text(values, "name", required=True, max_length=_MAX["name"]),
        "specification": sheet.text(values, "specification", max_length=_MAX["specification"]),
        "unit": sheet.choice(values, "unit", Unit),
        "standard": sheet.text(values, "standard", max_length=_MAX["standard"]),
        "unit_weight": sheet.quantity(values, "unit_weight", required=False, default=Decimal(0)),
        "safety_stock": sheet.quantity(values, "safety_stock", required=False, default=Decimal(0)),
        "weighed": sheet.flag(values, "weighed"),
        "active": sheet.flag(values, "active") if values.get("active") not in (None, "") else True,
    }
    for key in PRODUCT_OPTIONAL_FLAGS:
        if values.get(key) not in (None, ""):
            fields[key] = sheet.flag(values, key)
    if values.get("standard_cost") not in (None, ""):
        fields["standard_cost"] = sheet.money(values, "standard_cost")
        if fields["standard_cost"] < 0:
            raise RowProblem(_("Cannot be negative."), "standard_cost")
    if fields["unit"] is None:
        raise RowProblem(_("This column is required."), "unit")
    for key in ("unit_weight", "safety_stock"):
        if fields[key] < 0:
            raise RowProblem(_("Cannot be negative."), key)
    sku = sheet.text(values, "sku", required=True, max_length=_MAX["sku"])
    return ProductRow(row=number, sku=sku, fields=fields)


def check_products(rows, errors: list[RowError], user) -> list[ProductRow]:
    items = sheet.check_rows(rows, errors, _read_product)
    return sheet.duplicates(items, lambda i: i.sku, errors, _("SKU"))


def apply_products(items: list[ProductRow], user) -> Counts:
    sheet.require_perms(user, "inventory.add_product", "inventory.change_product")
    new_rows, changed = sheet.new_and_changed(
        items,
        Product.objects.in_bulk([i.sku for i in items], field_name="sku"),
        key=lambda i: i.sku,
        values=lambda i: i.fields,
    )
    new = [Product(sku=i.sku, **i.fields) for i in new_rows]
    for product in (*new, *changed):
        product.set_initials()  # bulk writes skip save()
    Product.objects.bulk_create(new, batch_size=1000)
    Product.objects.bulk_update(
        changed, (*PRODUCT_FIELDS, *PRODUCT_OPTIONAL, "name_initials"), batch_size=1000
    )
    return Counts.of(items, new, changed)


PRODUCTS = ImportKind(
    key="products",
    label=gettext_lazy("Products"),
    permission="inventory.add_product",
    columns=PRODUCT_COLUMNS,
    check=check_products,
    apply=apply_products,
    description=gettext_lazy(
        "One row per product, found by SKU. Unit is one of kg, t, m3, cyl, pc; "
        "weighed and active are yes or no."
    ),
)


# --- opening stock ------------------------------------------------------------------------


@dataclass
class StockRow:
    row: int
    warehouse_code: str
    sku: str
    batch_number: str
    produced_on: dt.date
    quantity: Decimal
    product: Product | None = None
    warehouse: Warehouse | None = None
    known: bool = False  # its opening stock is already in


STOCK_COLUMNS = (
    Column("warehouse", gettext_lazy("warehouse code"), True, "WH1"),
    Column("sku", gettext_lazy("SKU"), True, "O2-40L"),
    Column("batch", gettext_lazy("batch number"), True, "B20260101"),
    Column("produced_on", gettext_lazy("produced on"), True, "2026-01-01"),
    Column("quantity", gettext_lazy("quantity"), True, "120"),
)


WAREHOUSE_BY_CODE = sheet.Lookup(
    model=Warehouse,
    field_name="code",
    code="warehouse_code",
    target="warehouse",
    column="warehouse",
    message=gettext_lazy("No warehouse with this code."),
)


def _read_stock(number: int, values: dict) -> StockRow:
    qty = sheet.quantity(values, "quantity")
    if qty <= 0:
        raise RowProblem(_("The quantity must be positive."), "quantity")
    return StockRow(
        row=number,
        warehouse_code=sheet.text(values, "warehouse", required=True),
        sku=sheet.text(values, "sku", required=True),
        batch_number=sheet.text(values, "batch", required=True, max_length=40),
        produced_on=sheet.date(values, "produced_on"),
        quantity=qty,
    )


def check_stock(rows, errors: list[RowError], user) -> list[StockRow]:
    items = sheet.check_rows(rows, errors, _read_stock)
    items = sheet.duplicates(
        items,
        lambda i: (i.warehouse_code, i.sku, i.batch_number),
        errors,
        _("warehouse, SKU and batch"),
    )
    items = WAREHOUSE_BY_CODE(items, errors)
    open_items = []
    for item in items:
        if not item.warehouse.active or item.warehouse.is_held:
            errors.append(
                RowError(item.row, "warehouse", _("This warehouse is closed or a held location."))
            )
        else:
            open_items.append(item)
    items = sheet.agree(
        PRODUCT_BY_SKU(open_items, errors),
        errors,
        key=lambda i: (i.sku, i.batch_number),
        value=lambda i: i.produced_on,
        column="produced_on",
        message=_("Row %(row)s gives this batch another production date."),
    )
    return _without_opened(items, errors)


def _without_opened(items: list[StockRow], errors: list[RowError]) -> list[StockRow]:
    """Batches whose opening stock is already in pass as known; a changed quantity,
    or a known batch given another date, is refused."""
    batches = known_batches({(i.product.pk, i.batch_number) for i in items})
    kept = []
    for item in items:
        problem = wrong_date(batches.get((item.product.pk, item.batch_number)), item.produced_on)
        if problem:
            errors.append(RowError(item.row, "produced_on", problem))
        else:
            kept.append(item)
    opened = {
        (m["product_id"], m["warehouse_id"], m["batch__number"]): m["quantity"]
        for m in StockMove.objects.filter(
            kind=MoveKind.OPENING, product_id__in={i.product.pk for i in items}
        ).values("product_id", "warehouse_id", "batch__number", "quantity")
    }
    return sheet.match_known(
        kept,
        errors,
        opened,
        key=lambda i: (i.product.pk, i.warehouse.pk, i.batch_number),
        same=lambda done, i: done == i.quantity,
        column="quantity",
        message=lambda done: (
            _("The opening stock of this batch was already imported as %(qty)s.")
            % {"qty": f"{done.normalize():f}"}
        ),
    )


def apply_stock(items: list[StockRow], user) -> Counts:
    lines = [
        {
            "product": i.product,
            "warehouse": i.warehouse,
            "batch_number": i.batch_number,
            "produced_on": i.produced_on,
            "quantity": i.quantity,
        }
        for i in items
        if not i.known
    ]
    if lines:
        stock_opening_record(lines=lines, user=user)
    return Counts.of(items, lines)


OPENING_STOCK = ImportKind(
    key="opening_stock",
    label=gettext_lazy("Opening stock"),
    permission="inventory.import_opening_stock",
    columns=STOCK_COLUMNS,
    check=check_stock,
    apply=apply_stock,
    description=gettext_lazy(
        "One row per warehouse, product and batch: the quantity on hand on your first day. "
        "A batch already imported is skipped when its quantity is the same."
    ),
)
