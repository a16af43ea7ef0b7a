"""Warehouse dispatch (仓库出库) of a delivery note: the keeper records the
batches and actual quantities; stock moves out, the reservation is released
and the customer charged, in one transaction. Rows are locked in the order
every delivery-note action keeps: customer, order, note, stock levels."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from inventory.models import Batch
from inventory.services import stock_dispatch_many
from orders import hooks
from orders.enums import NoteKind
from orders.models import DeliveryNote, DeliveryNoteLine, DispatchAllocation
from orders.services.delivery_notes import DOC, NOTE_LINES, _expire_and_refuse, _lock
from orders.services.sales_orders import sales_order_refresh_delivery
from salesadmin.db import update_rows
from salesadmin.decimal_input import parse_positive_quantity, round_money
from salesadmin.errors import ApplicationError
from salesadmin.transitions import check_transition, run_signed


@dataclass
class Allocation:
    batch: Batch
    quantity: Decimal


@dataclass
class DispatchLine:
    note_line: DeliveryNoteLine
    allocations: list[Allocation] = field(default_factory=list)


def _check_tolerance(line: DeliveryNoteLine, actual: Decimal) -> None:
    if line.product.weighed:
        allowed = (line.quantity * settings.DISPATCH_TOLERANCE).quantize(Decimal("0.001"))
    else:
        allowed = Decimal("0")
    if abs(actual - line.quantity) > allowed:
        raise ApplicationError(
            _(
                "%(product)s: loaded %(actual)s but the note says %(qty)s "
                "(allowed difference %(allowed)s)."
            )
            % {
                "product": line.product.name,
                "actual": actual,
                "qty": line.quantity,
                "allowed": allowed,
            },
            code="outside_tolerance",
        )


def delivery_note_dispatch(*, note: DeliveryNote, user, lines: list[DispatchLine]) -> DeliveryNote:
    """仓库出库: the keeper records batches and actual quantities; stock moves out,
    the reservation is released and the customer charged, in one transaction.
    If what was loaded is worth more than finance covered, the note waits for a top-up."""
    with transaction.atomic():
        # The order's delivery status changes too: it is locked with the note, before the stock.
        note = _lock(note, customer=True, order=True)
        if not note.is_stale():
            return _dispatch(note, user=user, lines=lines)
    _expire_and_refuse(note, "dispatch", user=user)


def _dispatch(note: DeliveryNote, *, user, lines: list[DispatchLine]) -> DeliveryNote:
    order = note.order
    # State, role and validity first; nothing moves for a refused dispatch.
    check_transition(note, "dispatch", user=user)
    note_lines = {nl.pk: nl for nl in NOTE_LINES.all(note.pk)}
    given = {dl.note_line.pk: dl for dl in lines}
    if len(given) != len(lines):
        raise ApplicationError(_("A line of the note is given twice."), code="duplicate_line")
    if set(given) != set(note_lines):
        raise ApplicationError(_("Record every line of the note."), code="lines_incomplete")
    actual_value = Decimal("0.00")
    # Lines by product id, the order issue and cancel lock stock levels in too:
    # one lock order for everyone (dispatch in line order deadlocked with issue).
    ordered = sorted(note_lines.values(), key=lambda ln: (ln.product_id, ln.pk))
    plans = []
    for line in ordered:
        allocations = [a for a in given[line.pk].allocations if a.quantity]
        if not allocations:
            raise ApplicationError(
                _("%(product)s: choose a batch and quantity.") % {"product": line.product.name},
                code="batch_required",
            )
        for allocation in allocations:
            allocation.quantity = parse_positive_quantity(allocation.quantity)
        actual = sum((a.quantity for a in allocations), Decimal("0"))
        _check_tolerance(line, actual)
        line.actual_quantity = actual
        actual_value += round_money(actual * line.unit_price)
        plans.append((line, allocations))
    moves_per_line = stock_dispatch_many(
        lines=[
            {
                "product": line.product,
                "warehouse": note.warehouse,
                "reserved_quantity": line.quantity,
                "allocations": [(a.batch, a.quantity) for a in allocations],
                "reference": note.number,
                "user": user,
            }
            for line, allocations in plans
        ]
    )
    allocation_rows = [
        DispatchAllocation(note_line=line, batch=a.batch, quantity=a.quantity, stock_move=move)
        for (line, allocations), moves in zip(plans, moves_per_line, strict=True)
        for a, move in zip(allocations, moves, strict=True)
    ]
    DispatchAllocation.objects.bulk_create(allocation_rows)
    update_rows(
        DeliveryNoteLine,
        {pk: {"actual_quantity": nl.actual_quantity} for pk, nl in note_lines.items()},
    )
    # Goods out without a sale are valued at cost and never charged: no top-up.
    over = note.kind == NoteKind.SALE and actual_value > note.covered_amount
    name = "dispatch_over_coverage" if over else "dispatch"
    comment = "" if name == "dispatch" else f"actual {actual_value} > covered {note.covered_amount}"
    run_signed(note, name, user=user, document_type=DOC, comment=comment, actual_value=actual_value)
    if note.kind != NoteKind.SALE:
        return note
    sales_order_refresh_delivery(order=order, user=user)
    # Finance charges the customer what was loaded and invoices a prepaid/cash
    # customer's note now (its number is the last step).
    hooks.note_dispatched(note=note, user=user)
    return note
