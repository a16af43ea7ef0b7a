"""B and C contracts: the preparation slip holds what is in stock, a
production task goes out per product for the shortfall, receipts close it,
and the delivery note takes the held units over (seed 002 1.1.3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from contracts.enums import TaskStatus
from contracts.models import PreparationLine, ProductionTask
from contracts.services.production import production_task_update
from inventory.models import Batch, BatchLevel, ReservationMove, StockLevel
from inventory.services import InsufficientStock, production_receipt_record
from orders.enums import ContractType, NoteStatus, OrderStatus
from orders.services.dispatch import Allocation, DispatchLine, delivery_note_dispatch
from orders.services.exit_pass import exit_pass_token, exit_pass_use
from orders.services.sales_orders import (
    LineInput,
    sales_order_cancel,
    sales_order_create,
    sales_order_submit,
)
from salesadmin.clock import company_today
from salesadmin.models import TransitionLog

pytestmark = pytest.mark.django_db


def _produced(chain, product, batch_number: str, quantity: str):
    """Production hands ``quantity`` of a batch made today to the chain's warehouse."""
    return production_receipt_record(
        product=product,
        warehouse=chain.warehouse,
        batch_number=batch_number,
        produced_on=company_today(),
        quantity=quantity,
        user=chain.keeper,
    )


def _level(chain, product):
    return StockLevel.objects.get(product=product, warehouse=chain.warehouse)


def test_a_contract_in_stock_gets_no_task_nor_slip(chain):
    order = chain.order(("10", "0.001", "0.001")[:1])

    assert order.contract_type == ContractType.A
    assert order.status == OrderStatus.APPROVED
    assert not ProductionTask.objects.exists()
    assert not PreparationLine.objects.exists()


def test_partly_in_stock_b_contract_holds_stock_and_orders_the_rest(chain):
    # Given 1000 of oxygen in stock, when a contract for 1200 is approved
    order = chain.order(("1200",))

    # Then it is a B contract: 1000 held for it, a task for the 200 short
    assert order.contract_type == ContractType.B
    assert order.status == OrderStatus.APPROVED
    oxygen = chain.products[0]
    line = PreparationLine.objects.get(slip__order=order)
    assert (line.product, line.quantity, line.held) == (oxygen, Decimal("1000"), Decimal("1000"))
    assert order.preparation_slip.number.startswith("BH")
    assert _level(chain, oxygen).reserved == Decimal("1000")
    task = ProductionTask.objects.get(order=order)
    assert (task.product, task.quantity, task.status) == (oxygen, Decimal("200"), TaskStatus.OPEN)
    assert task.number.startswith("PT")
    assert task.requested_date == order.order_date + dt.timedelta(days=7)
    assert TransitionLog.objects.filter(document_type="production_task", document_id=task.pk)


def test_held_stock_is_not_available_to_another_contract(chain):
    chain.order(("1200",))  # holds all 1000 of oxygen

    other = chain.order(("10",))
    assert other.contract_type == ContractType.B  # nothing available any more
    with pytest.raises(InsufficientStock):
        chain.note(chain.order(("10",), customer=chain.customer, submit=True))


def test_receipt_closes_the_task_and_is_held_for_the_contract(chain):
    order = chain.order(("1200",))
    task = ProductionTask.objects.get(order=order)
    oxygen = chain.products[0]

    # When production receives 150, then 100
    _produced(chain, oxygen, "P1", "150")
    task.refresh_from_db()
    assert (task.received_quantity, task.status) == (Decimal("150"), TaskStatus.OPEN)
    _produced(chain, oxygen, "P2", "100")

    # Then the task has its 200 and is closed; the 200 are held for the
    # contract, the other 50 are free stock
    task.refresh_from_db()
    assert (task.received_quantity, task.status) == (Decimal("200"), TaskStatus.CLOSED)
    assert [r.quantity for r in task.receipts.order_by("id")] == [Decimal("150"), Decimal("50")]
    assert PreparationLine.objects.get(slip__order=order).held == Decimal("1200")
    level = _level(chain, oxygen)
    assert (level.on_hand, level.reserved) == (Decimal("1250"), Decimal("1200"))


def test_the_note_takes_the_held_units_over_without_booking_twice(chain):
    order = chain.order(("1200",))
    oxygen = chain.products[0]

    note = chain.note(order, quantities=["600"])

    # The note carries 600 of the held 1000: reserved stays 1000, not 1600
    line = PreparationLine.objects.get(slip__order=order)
    assert (line.taken_over, line.held) == (Decimal("600"), Decimal("400"))
    assert _level(chain, oxygen).reserved == Decimal("1000")
    moves = ReservationMove.objects.filter(product=oxygen).order_by("id")
    assert [(m.reference, m.quantity) for m in moves][-2:] == [
        (f"slip:{order.preparation_slip.pk}", Decimal("-600")),
        (f"note:{note.pk}", Decimal("600")),
    ]
    # A note beyond what is held reserves the rest from free stock: none here
    with pytest.raises(InsufficientStock):
        chain.note(order, quantities=["500"])


def test_a_b_contract_end_to_end_order_task_receipt_note_gate(chain, guard):
    # Given 1000 of argon in stock and a contract for 1100
    argon = chain.products[2]
    order = sales_order_submit(
        order=sales_order_create(
            user=chain.clerk,
            customer=chain.customer,
            lines=[LineInput(product=argon, quantity=Decimal("1100"))],
        ),
        user=chain.clerk,
    )
    assert (order.contract_type, order.status) == (ContractType.B, OrderStatus.APPROVED)
    task = ProductionTask.objects.get(order=order, product=argon)
    assert task.quantity == Decimal("100")

    # When production receives the shortfall
    _produced(chain, argon, "AR-1", "100")
    task.refresh_from_db()
    assert task.status == TaskStatus.CLOSED

    # Then the whole contract leaves on one note, through finance, warehouse and gate
    note = chain.note(order)
    assert _level(chain, argon).reserved == Decimal("1100")
    chain.batches[argon.pk] = Batch.objects.get(product=argon, number="AR-1")
    note = delivery_note_dispatch(
        note=chain.stamped(note),
        user=chain.keeper,
        lines=[
            DispatchLine(
                note_line=note.lines.get(),
                allocations=[
                    Allocation(
                        batch=BatchLevel.objects.filter(product=argon).first().batch,
                        quantity=Decimal("1000"),
                    ),
                    Allocation(
                        batch=Batch.objects.get(product=argon, number="AR-1"),
                        quantity=Decimal("100"),
                    ),
                ],
            )
        ],
    )
    result = exit_pass_use(raw=exit_pass_token(note), user=guard, vehicle_plate="浙E12345")
    assert result.passed
    note.refresh_from_db()
    order.refresh_from_db()
    assert note.status == NoteStatus.EXITED
    assert order.status == OrderStatus.COMPLETED
    level = _level(chain, argon)
    assert (level.on_hand, level.reserved) == (Decimal("0"), Decimal("0"))
    assert TransitionLog.objects.filter(
        document_type="production_task", document_id=task.pk, transition="close"
    ).exists()


def test_cancelling_the_contract_releases_the_slip_and_cancels_tasks(chain):
    order = chain.order(("1200",))
    oxygen = chain.products[0]

    sales_order_cancel(order=order, user=chain.clerk, reason="customer withdrew")

    assert _level(chain, oxygen).reserved == Decimal("0")
    assert PreparationLine.objects.get(slip__order=order).held == Decimal("0")
    assert ProductionTask.objects.get(order=order).status == TaskStatus.CANCELLED


def test_tracker_and_date_are_set_by_a_manager_only(chain):
    order = chain.order(("1200",))
    task = ProductionTask.objects.get(order=order)

    with pytest.raises(PermissionDenied):
        production_task_update(task=task, user=chain.clerk, tracker=chain.clerk)
    task = production_task_update(
        task=task, user=chain.manager, tracker=chain.clerk, requested_date=company_today()
    )
    assert task.tracker == chain.clerk
    assert TransitionLog.objects.filter(
        document_type="production_task", document_id=task.pk, transition="update"
    ).exists()


def test_a_task_past_its_requested_date_is_late(chain):
    order = chain.order(("1200",))
    task = ProductionTask.objects.get(order=order)
    ProductionTask.objects.filter(pk=task.pk).update(
        requested_date=company_today() - dt.timedelta(days=1)
    )
    task.refresh_from_db()
    assert task.is_late
