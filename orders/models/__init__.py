"""The orders app's models, one module per document: sales_orders.py (price
lists, sales orders) and delivery_notes.py (notes, their loading and the gate).
Imported here so Django registers them and ``orders.models.X`` names each."""

from orders.models.delivery_notes import (
    OPEN_NOTE_STATUSES,
    DeliveryNote,
    DeliveryNoteLine,
    DeliveryNoteQuerySet,
    DispatchAllocation,
    GateCheck,
    GateExit,
)
from orders.models.sales_orders import (
    MONEY,
    QTY,
    PriceList,
    PriceListItem,
    SalesOrder,
    SalesOrderLine,
)

__all__ = [
    "MONEY",
    "OPEN_NOTE_STATUSES",
    "QTY",
    "DeliveryNote",
    "DeliveryNoteLine",
    "DeliveryNoteQuerySet",
    "DispatchAllocation",
    "GateCheck",
    "GateExit",
    "PriceList",
    "PriceListItem",
    "SalesOrder",
    "SalesOrderLine",
]
