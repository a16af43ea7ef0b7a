"""Production for B and C contracts (seed 002 1.1.3): when the contract is
approved, what is in stock is held for it on a stock preparation slip (备货单)
and a production task notice (生产任务通知单) goes out per product for the
shortfall. Production receipts of that product are counted against its open
tasks (oldest requested date first), held for their contract, and close a task
when its quantity is in. The contract's delivery notes take the held units
over (orders.services.delivery_notes, through orders.hooks).

Locks, in the one order of the stock ledger: the order, stock levels, then
tasks and slip lines. A note of the contract takes units over under the
order's lock, so only one note at a time draws on a slip.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.enums import TaskStatus
from contracts.models import (
    PreparationLine,
    PreparationSlip,
    ProductionReceiptLink,
    ProductionTask,
)
from inventory.enums import MoveKind
from inventory.models import Product, StockMove, Warehouse
from inventory.reservations import (
    stock_release_many,
    stock_reservation_transfer,
    stock_reserve_up_to,
)
from inventory.services import production_receipt_record
from orders.enums import ContractType
from orders.models import SalesOrder, SalesOrderLine
from salesadmin.db import locked
from salesadmin.document_numbers import number_last
from salesadmin.errors import ApplicationError
from salesadmin.transitions import log_step, run_transition

TASK_DOC = "production_task"
SLIP_DOC = "preparation_slip"
ZERO = Decimal("0")


def saleable_warehouses() -> list[Warehouse]:
    return list(Warehouse.objects.filter(active=True, holds_for__isnull=True).order_by("code"))


def requested_date_for(order: SalesOrder) -> dt.date:
    """The promised date of a C contract, else the order date plus the lead time."""
    if order.promised_date:
        return order.promised_date
    return order.order_date + dt.timedelta(days=settings.PRODUCTION_LEAD_DAYS)


def _slip_for(order: SalesOrder, user) -> PreparationSlip:
    """The order's slip; a new one gets its number from _number_slip once it
    holds something (gapless numbers: never one for a slip deleted unused)."""
    slip = PreparationSlip.objects.filter(order_id=order.pk).first()
    if slip is None:
        slip = PreparationSlip.objects.create(order=order, created_by=user)
    return slip


def _number_slip(slip: PreparationSlip) -> None:
    if slip.number is None:
        number_last(slip, SLIP_DOC)


def _hold(slip: PreparationSlip, warehouse: Warehouse, taken: dict[int, Decimal]) -> None:
    """Add what was just reserved for the slip to its lines (one row per
    product and warehouse; an UPDATE that adds, so a racing receipt adds too)."""
    for product_id, qty in taken.items():
        if qty <= 0:
            continue
        line, _created = PreparationLine.objects.get_or_create(
            slip=slip, product_id=product_id, warehouse=warehouse
        )
        PreparationLine.objects.filter(pk=line.pk).update(quantity=F("quantity") + qty)


def contract_start_production(*, order: SalesOrder, user) -> list[ProductionTask]:
    """Run in the approving transaction (orders.hooks.order_approved), the order
    locked. A: nothing. B, C: hold what exists, a task per product for the rest.
    The split is decided under the stock levels' locks: a note or slip racing
    for the same units gets what is left, never the same units."""
    if order.contract_type == ContractType.A:
        return []
    wanted: dict[int, Decimal] = defaultdict(Decimal)
    products: dict[int, Product] = {}
    for line in SalesOrderLine.objects.filter(order_id=order.pk).select_related("product"):
        wanted[line.product_id] += line.quantity
        products[line.product_id] = line.product
    short = dict(wanted)
    slip = None
    for warehouse in saleable_warehouses():
        items = [(products[pid], qty) for pid, qty in short.items() if qty > 0]
        if not items:
            break
        if slip is None:
            slip = _slip_for(order, user)
        taken = stock_reserve_up_to(
            warehouse=warehouse, items=items, reference=slip.reference, user=user
        )
        _hold(slip, warehouse, taken)
        for pid, qty in taken.items():
            short[pid] -= qty
    if slip is not None and not slip.lines.exists():
        PreparationSlip.objects.filter(pk=slip.pk).delete()  # nothing was in stock
        slip = None
    requested = requested_date_for(order)
    tasks = [
        ProductionTask(
            order=order,
            product=products[pid],
            quantity=qty,
            requested_date=requested,
            tracker=None,
            created_by=user,
        )
        for pid, qty in short.items()
        if qty > 0
    ]
    for task in tasks:
        task.save()
    # Numbers last: the counters' locks are held only for the commit.
    if slip is not None:
        _number_slip(slip)
    for task in tasks:
        number_last(task, TASK_DOC)
        _log_task(task, "create", "", TaskStatus.OPEN, user)
    return tasks


def _log_task(task: ProductionTask, name: str, before: str, after: str, user, comment="") -> None:
    log_step(TASK_DOC, task, name, user=user, from_state=before, to_state=after, comment=comment)


def contract_stop_production(*, order: SalesOrder, user) -> None:
    """The contract was cancelled (orders.hooks.order_cancelled): what its slip
    still holds goes back to stock and its open tasks are cancelled."""
    lines = list(
        locked(PreparationLine.objects)
        .filter(slip__order_id=order.pk)
        .select_related("product", "warehouse", "slip")
        .order_by("product_id", "warehouse_id")
    )
    per_warehouse: dict[int, list] = defaultdict(list)
    for line in lines:
        if line.held > 0:
            per_warehouse[line.warehouse_id].append(line)
    for group in per_warehouse.values():
        stock_release_many(
            warehouse=group[0].warehouse,
            items=[(ln.product, ln.held) for ln in group],
            reference=group[0].slip.reference,
            user=user,
        )
        for ln in group:
            PreparationLine.objects.filter(pk=ln.pk).update(released=F("released") + ln.held)
    for task in locked(ProductionTask.objects).filter(order_id=order.pk, status=TaskStatus.OPEN):
        run_transition(
            task,
            "cancel",
            user=user,
            document_type=TASK_DOC,
            comment=_("The contract was cancelled."),
            check_perm=False,
            at=timezone.now(),
        )


def prepared_stock(*, order: SalesOrder, warehouse: Warehouse) -> dict[int, Decimal]:
    """{product id: units} the order's slip holds in the warehouse."""
    rows = PreparationLine.objects.filter(slip__order_id=order.pk, warehouse=warehouse).values_list(
        "product_id", "quantity", "taken_over", "released"
    )
    return {pid: qty - taken - released for pid, qty, taken, released in rows}


def prepared_take_over(
    *, order: SalesOrder, warehouse: Warehouse, quantities: dict[int, Decimal], reference, user
) -> None:
    """A note of the order takes held units over: the ledger shows the units
    leaving the slip for the note, the reserved total does not change. The
    line's check constraint is the last guard against taking more than held."""
    lines = {
        ln.product_id: ln
        for ln in PreparationLine.objects.filter(
            slip__order_id=order.pk, warehouse=warehouse, product_id__in=list(quantities)
        ).select_related("product", "slip")
    }
    items = []
    for pid, qty in quantities.items():
        line = lines.get(pid)
        if line is None or qty <= 0:
            continue
        PreparationLine.objects.filter(pk=line.pk).update(taken_over=F("taken_over") + qty)
        items.append((line.product, qty))
    if items:
        stock_reservation_transfer(
            warehouse=warehouse,
            items=items,
            from_reference=next(iter(lines.values())).slip.reference,
            to_reference=reference,
            user=user,
        )


def production_receipt_received(*, move: StockMove, user, **_kwargs) -> None:
    """A production receipt (inventory.signals.production_received, in the
    receipt's transaction): counted against the product's open tasks, oldest
    requested date first; the units are held for the task's contract; a task
    whose quantity is in is closed."""
    if move.kind != MoveKind.PRODUCTION_RECEIPT or move.quantity <= 0:
        return
    left = move.quantity
    tasks = list(
        locked(ProductionTask.objects)
        .filter(product_id=move.product_id, status=TaskStatus.OPEN)
        .select_related("order")
        .order_by("requested_date", "id")
    )
    now = timezone.now()
    for task in tasks:
        if left <= 0:
            break
        counted = min(left, task.open_quantity)
        left -= counted
        ProductionReceiptLink.objects.create(task=task, move=move, quantity=counted)
        task.received_quantity += counted
        ProductionTask.objects.filter(pk=task.pk).update(
            received_quantity=F("received_quantity") + counted
        )
        slip = _slip_for(task.order, user)
        taken = stock_reserve_up_to(
            warehouse=move.warehouse,
            items=[(move.product, counted)],
            reference=slip.reference,
            user=user,
        )
        _hold(slip, move.warehouse, taken)
        _number_slip(slip)
        if task.is_received():
            run_transition(
                task,
                "close",
                user=user,
                document_type=TASK_DOC,
                comment=_("Received in full (%(batch)s).") % {"batch": move.reference},
                check_perm=False,
                at=now,
            )


@transaction.atomic
def production_task_receive(
    *, task: ProductionTask, warehouse: Warehouse, batch_number: str, produced_on, quantity, user
) -> StockMove:
    """A production receipt entered from the task's page: the ordinary receipt
    (产成品入库), counted against this product's open tasks as every receipt is."""
    task = ProductionTask.objects.select_related("product").get(pk=task.pk)
    if task.status != TaskStatus.OPEN:
        raise ApplicationError(_("This production task is not open."), code="invalid_state")
    return production_receipt_record(
        product=task.product,
        warehouse=warehouse,
        batch_number=batch_number,
        produced_on=produced_on,
        quantity=quantity,
        user=user,
        note=task.number or "",
    )


@transaction.atomic
def production_task_update(
    *, task: ProductionTask, user, tracker=None, requested_date=None
) -> ProductionTask:
    """Who follows the task (专人跟踪) and the date production promised."""
    if not user.has_perm("contracts.track_productiontask"):
        raise PermissionDenied
    task = locked(ProductionTask.objects).get(pk=task.pk)
    if task.status != TaskStatus.OPEN:
        raise ApplicationError(_("This production task is not open."), code="invalid_state")
    changes = []
    if tracker is not None and tracker.pk != task.tracker_id:
        if not tracker.is_active:
            raise ApplicationError(_("Choose an active user."), code="invalid_tracker")
        task.tracker = tracker
        changes.append(_("tracker: %(user)s") % {"user": tracker.get_username()})
    if requested_date is not None and requested_date != task.requested_date:
        task.requested_date = requested_date
        changes.append(_("requested date: %(date)s") % {"date": requested_date})
    if changes:
        task.save(update_fields=["tracker", "requested_date"])
        _log_task(task, "update", task.status, task.status, user, comment="; ".join(changes))
    return task
