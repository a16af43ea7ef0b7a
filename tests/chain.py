"""Build documents of the approval chain through the real services, for tests."""

from __future__ import annotations

from decimal import Decimal

from customers.enums import CreditTerms
from inventory.enums import MoveKind
from inventory.services import stock_move_record
from orders.enums import NoteStatus
from orders.models import DeliveryNote, PriceList, PriceListItem
from orders.services.delivery_notes import IssueLine, delivery_note_issue, delivery_note_stamp
from orders.services.dispatch import Allocation, DispatchLine, delivery_note_dispatch
from orders.services.sales_orders import LineInput, sales_order_create, sales_order_submit
from tests.factories import BatchFactory, CustomerFactory, ProductFactory, WarehouseFactory


def receive_stock(*, product, warehouse, quantity, user, batch=None, **extra):
    """A production receipt of ``quantity`` into ``warehouse``, into a new batch unless given."""
    return stock_move_record(
        kind=MoveKind.PRODUCTION_RECEIPT,
        product=product,
        warehouse=warehouse,
        batch=batch or BatchFactory(product=product),
        quantity=Decimal(quantity),
        user=user,
        **extra,
    )


class Chain:
    """A small world: one credit customer, a warehouse, priced products in stock."""

    def __init__(self, *, clerk, finance, keeper, manager, stock: str = "1000"):
        import datetime as dt

        self.clerk, self.finance, self.keeper, self.manager = clerk, finance, keeper, manager
        self.customer = CustomerFactory(
            name="安吉县保密客户有限公司",
            credit_terms=CreditTerms.MONTHLY,
            credit_limit=Decimal("100000.00"),
        )
        self.warehouse = WarehouseFactory()
        price_list = PriceList.objects.create(
            code="PL-T", name="test list", valid_from=dt.date(2020, 1, 1)
        )
        self.products = [
            ProductFactory(sku="T-O2-40L", name="氧气", specification="40L"),
            ProductFactory(
                sku="T-LO2", name="液氧", specification="99.6%", unit="kg", weighed=True
            ),
            ProductFactory(sku="T-AR-40L", name="氩气", specification="40L"),
        ]
        self.batches = {}
        for product, price in zip(self.products, ["30.00", "1.50", "80.00"], strict=True):
            PriceListItem.objects.create(
                price_list=price_list,
                product=product,
                standard_price=Decimal(price),
                minimum_price=(Decimal(price) * Decimal("0.9")).quantize(Decimal("0.01")),
            )
            batch = BatchFactory(product=product)
            self.batches[product.pk] = batch
            receive_stock(
                product=product, warehouse=self.warehouse, batch=batch, quantity=stock, user=keeper
            )

    def order(self, quantities=("10", "100", "5"), *, customer=None, prices=None, submit=True):
        prices = prices or [None] * len(quantities)
        lines = [
            LineInput(product=p, quantity=Decimal(q), unit_price=price)
            for p, q, price in zip(self.products, quantities, prices, strict=False)
        ]
        order = sales_order_create(user=self.clerk, customer=customer or self.customer, lines=lines)
        return sales_order_submit(order=order, user=self.clerk) if submit else order

    def note(self, order=None, *, quantities=None) -> DeliveryNote:
        order = order or self.order()
        lines = list(order.lines.order_by("position"))
        quantities = quantities or [ln.quantity for ln in lines]
        return delivery_note_issue(
            order=order,
            user=self.clerk,
            warehouse=self.warehouse,
            lines=[
                IssueLine(order_line=ln, quantity=Decimal(q))
                for ln, q in zip(lines, quantities, strict=False)
                if Decimal(q)
            ],
            vehicle_plate="浙E12345",
        )

    def stamped(self, note=None) -> DeliveryNote:
        return delivery_note_stamp(note=note or self.note(), user=self.finance)

    def dispatch_lines(self, note, *, factor: Decimal = Decimal("1")):
        return [
            DispatchLine(
                note_line=line,
                allocations=[
                    Allocation(
                        batch=self.batches[line.product_id],
                        quantity=(line.quantity * factor).quantize(Decimal("0.001")),
                    )
                ],
            )
            for line in note.lines.all()
        ]

    def dispatched(self, note=None) -> DeliveryNote:
        note = note or self.stamped()
        note = delivery_note_dispatch(note=note, user=self.keeper, lines=self.dispatch_lines(note))
        assert note.status == NoteStatus.DISPATCHED
        return note
