"""A small world for the reports, built through the services: notes at every
stage of the chain for two customers, an order waiting for approval; and the
figures worked out again here in plain Python, to compare with the SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.utils import timezone

from customers.enums import CreditTerms
from orders.enums import NoteStatus
from orders.models import DeliveryNote, DeliveryNoteLine
from orders.services.dispatch import Allocation, DispatchLine, delivery_note_dispatch
from orders.services.exit_pass import exit_pass_use
from salesadmin.clock import company_today
from tests.factories import CustomerFactory

PLATE = "浙E12345"


@pytest.fixture(autouse=True)
def fresh_aging():
    """The dashboard keeps the aging a minute; each test starts without it."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


SOLD = {NoteStatus.DISPATCHED, NoteStatus.AWAITING_TOPUP, NoteStatus.EXITED}


def dispatch_short(chain, note, *, factor: str = "0.98") -> DeliveryNote:
    """Load a note with the weighed product a little under the note (weighbridge)."""
    lines = []
    for line in note.lines.select_related("product"):
        qty = line.quantity * Decimal(factor) if line.product.weighed else line.quantity
        lines.append(
            DispatchLine(
                note_line=line,
                allocations=[
                    Allocation(
                        batch=chain.batches[line.product_id],
                        quantity=qty.quantize(Decimal("0.001")),
                    )
                ],
            )
        )
    return delivery_note_dispatch(note=note, user=chain.keeper, lines=lines)


def let_out(note, guard) -> None:
    assert exit_pass_use(raw=note.pass_code, user=guard, vehicle_plate=PLATE).passed


@dataclass
class World:
    chain: object
    other_customer: object
    notes: dict = field(default_factory=dict)
    waiting_order: object = None


@pytest.fixture
def world(chain, guard, clerk):
    """Today: one note issued, one stamped, one loaded, two out through the gate
    (one weighed short), one for another customer out through the gate; and
    an order below list price waiting for a manager."""
    other = CustomerFactory(
        name="宁波另一客户",
        credit_terms=CreditTerms.MONTHLY,
        credit_limit=Decimal("100000.00"),
        salesperson=clerk,
    )
    w = World(chain=chain, other_customer=other)
    w.notes["issued"] = chain.note()
    w.notes["stamped"] = chain.stamped()
    w.notes["dispatched"] = chain.dispatched()
    w.notes["exited"] = chain.dispatched()
    let_out(w.notes["exited"], guard)
    w.notes["short"] = dispatch_short(chain, chain.stamped())
    let_out(w.notes["short"], guard)
    order = chain.order(("2", "50", "1"), customer=other)
    w.notes["other"] = chain.dispatched(chain.stamped(chain.note(order)))
    let_out(w.notes["other"], guard)
    w.waiting_order = chain.order(prices=[Decimal("1.00"), None, None])
    return w


# --- The figures, again, in plain Python -----------------------------------------


def local_day(moment) -> dt.date:
    return timezone.localtime(moment).date()


def sold_notes(first: dt.date, last: dt.date) -> list[DeliveryNote]:
    return [
        n
        for n in DeliveryNote.objects.select_related("customer")
        if n.status in SOLD and n.dispatched_at and first <= local_day(n.dispatched_at) <= last
    ]


def note_value(note: DeliveryNote) -> Decimal:
    return note.actual_value if note.actual_value is not None else note.value


def line_value(line: DeliveryNoteLine) -> Decimal:
    if line.actual_quantity is None:
        return line.amount
    return (line.actual_quantity * line.unit_price).quantize(Decimal("0.01"))


def sales_by(first: dt.date, last: dt.date, key) -> dict:
    """Sales value per key(note) over the days."""
    totals: dict = {}
    for note in sold_notes(first, last):
        totals[key(note)] = totals.get(key(note), Decimal("0")) + note_value(note)
    return totals


def product_sales(first: dt.date, last: dt.date) -> dict[int, tuple[Decimal, Decimal]]:
    """(value, loaded quantity) per product id."""
    totals: dict[int, tuple[Decimal, Decimal]] = {}
    for note in sold_notes(first, last):
        for line in note.lines.all():
            value, qty = totals.get(line.product_id, (Decimal("0"), Decimal("0")))
            loaded = line.actual_quantity if line.actual_quantity is not None else line.quantity
            totals[line.product_id] = (value + line_value(line), qty + loaded)
    return totals


def today() -> dt.date:
    return company_today()
