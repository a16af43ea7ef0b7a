"""Delivery notes (发货单): issue, finance stamp, warehouse dispatch, top-up,
cancel and expiry. One transaction per action; rows locked in one order:
customer, then order, then note, then stock levels."""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import NoReturn

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from customers.models import Customer
from inventory.models import Product, Warehouse
from inventory.reservations import stock_release_many, stock_reserve_many
from orders import hooks
from orders.enums import NoteKind, OrderStatus
from orders.models import (
    DeliveryNote,
    DeliveryNoteLine,
    SalesOrder,
    SalesOrderLine,
)
from orders.selectors.delivery_notes import note_coverage
from orders.services.sales_orders import (
    LIVE_NOTE_STATUSES,
    carried_quantity,
    locked_order,
)
from salesadmin.clock import company_today
from salesadmin.db import RowRead, remember_related
from salesadmin.decimal_input import parse_positive_quantity, round_money
from salesadmin.document_numbers import number_last
from salesadmin.errors import ApplicationError, ConflictError
from salesadmin.transitions import check_transition, log_step, run_signed, run_transition

DOC = "delivery_note"
# Crockford's base32 without look-alikes: a guard can read it aloud and type it.
PASS_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@dataclass
class IssueLine:
    order_line: SalesOrderLine
    quantity: Decimal


def new_pass_code() -> str:
    return "".join(secrets.choice(PASS_ALPHABET) for _ in range(8))


def lines_with_issued() -> QuerySet[SalesOrderLine]:
    """Order lines with ``issued``: what live notes already carry."""
    return SalesOrderLine.objects.annotate(issued=carried_quantity(LIVE_NOTE_STATUSES))


# The locks every note action takes, in statements written out once (salesadmin.db.RowRead).
_NOTE = RowRead(DeliveryNote, related=("warehouse", "order"), lock=True)
_NOTE_WITH_CUSTOMER = RowRead(DeliveryNote, related=("warehouse", "order", "customer"), lock=True)
_NOTES_CUSTOMER = RowRead(Customer, through=(DeliveryNote, "customer"), lock=True)
_NOTES_ORDER = RowRead(SalesOrder, through=(DeliveryNote, "order"), lock=True)
# A note's lines with their products, in line order (dispatch, the gate's goods).
NOTE_LINES = RowRead(DeliveryNoteLine, related=("product",), by=("note",))


def open_quantities(order: SalesOrder) -> dict[int, Decimal]:
    """Per order line: ordered less what live notes already carry. Uses the
    order's lines when they were prefetched from lines_with_issued()."""
    lines = getattr(order, "_prefetched_objects_cache", {}).get("lines")
    if lines is None or any(not hasattr(ln, "issued") for ln in lines):
        lines = lines_with_issued().filter(order=order)
    return {ln.pk: ln.quantity - ln.issued for ln in lines}


def _lines_to_issue(warehouse: Warehouse, lines: list) -> list:
    """The lines with a quantity, from an open warehouse: at least one."""
    if not warehouse.active:
        raise ApplicationError(_("This warehouse is closed."), code="warehouse_inactive")
    lines = [ln for ln in lines if ln.quantity]
    if not lines:
        raise ApplicationError(_("Enter a quantity for at least one line."), code="no_lines")
    return lines


def _new_note(
    *, user, warehouse: Warehouse, vehicle_plate: str, driver: str, **fields
) -> DeliveryNote:
    """A note issued today by ``user``, not yet saved: its value comes from its lines."""
    return DeliveryNote(
        **fields,
        warehouse=warehouse,
        issue_date=company_today(),
        vehicle_plate=vehicle_plate.strip().upper(),
        driver=driver.strip(),
        issued_by=user,
        pass_code=new_pass_code(),
        value=Decimal("0.00"),
    )


def _save_with_lines(note: DeliveryNote, note_lines: list[DeliveryNoteLine]) -> None:
    note.value = sum((nl.amount for nl in note_lines), Decimal("0.00"))
    note.save()
    for nl in note_lines:
        nl.note = note
    DeliveryNoteLine.objects.bulk_create(note_lines)


def _number_and_log_issue(note: DeliveryNote, user, comment: str = "") -> None:
    # The number is the last step: the counter's row lock is held only for the commit.
    number_last(note, DOC, year=note.issue_date.year)
    log_step(DOC, note, "issue", user=user, from_state="", to_state=note.status, comment=comment)


@transaction.atomic
def delivery_note_issue(
    *,
    order: SalesOrder,
    user,
    warehouse: Warehouse,
    lines: list[IssueLine],
    vehicle_plate: str = "",
    driver: str = "",
) -> DeliveryNote:
    """Issue a note for all or part of an approved order's open quantity.

    Stock is reserved now and no note goes beyond what is available (严禁超发).
    """
    if not user.has_perm("orders.issue_deliverynote"):
        raise PermissionDenied
    order = locked_order(order.pk)
    if order.status not in (OrderStatus.APPROVED, OrderStatus.PARTIALLY_DELIVERED):
        raise ConflictError(
            _("Notes can be issued only from an approved order."), code="order_not_approved"
        )
    lines = _lines_to_issue(warehouse, lines)
    # The order's own lines (read under its lock) are what the note is built
    # from; the caller's lines only name them.
    order_lines = {
        ln.pk: ln
        for ln in lines_with_issued()
        .select_related("product")
        .filter(order_id=order.pk)
        .order_by("position", "id")
    }
    open_qty = {pk: ln.quantity - ln.issued for pk, ln in order_lines.items()}
    note = _new_note(
        user=user,
        warehouse=warehouse,
        vehicle_plate=vehicle_plate,
        driver=driver,
        order=order,
        customer=order.customer,
    )
    note_lines = []
    per_product: dict[int, Decimal] = defaultdict(Decimal)
    products = {}
    for line in lines:
        order_line = order_lines.get(line.order_line.pk)
        if order_line is None:
            raise ApplicationError(_("That line belongs to another order."), code="line_mismatch")
        qty = parse_positive_quantity(line.quantity)
        if qty > open_qty[order_line.pk]:
            raise ApplicationError(
                _("Only %(open)s of %(product)s is still open on this order.")
                % {"open": open_qty[order_line.pk], "product": order_line.product.name},
                code="over_order",
            )
        open_qty[order_line.pk] -= qty
        per_product[order_line.product_id] += qty
        products[order_line.product_id] = order_line.product
        note_lines.append(
            DeliveryNoteLine(
                order_line=order_line,
                product=order_line.product,
                quantity=qty,
                unit_price=order_line.unit_price,
                amount=round_money(qty * order_line.unit_price),
            )
        )
    _save_with_lines(note, note_lines)
    # A contract's preparation slip hands its reserved units over to the note;
    # the note reserves only the rest (never the same units twice). Only notes
    # of this order (serialized by its lock) take from the slip, so what is
    # read here still holds when it is taken over below.
    prepared = hooks.prepared_stock(order=order, warehouse=warehouse)
    taken = {
        pid: min(qty, prepared.get(pid, Decimal("0")))
        for pid, qty in per_product.items()
        if prepared.get(pid, Decimal("0")) > 0
    }
    still_wanted = [
        (products[pid], qty - taken.get(pid, Decimal("0")))
        for pid, qty in per_product.items()
        if qty > taken.get(pid, Decimal("0"))
    ]
    if still_wanted:
        stock_reserve_many(
            warehouse=warehouse,
            items=still_wanted,
            reference=f"note:{note.pk}",
            user=user,
        )
    hooks.take_over_prepared(
        order=order, warehouse=warehouse, quantities=taken, reference=f"note:{note.pk}", user=user
    )
    _number_and_log_issue(note, user)
    # The note as issued, with what it holds: whoever shows it reads nothing again.
    remember_related(note, "lines", note_lines)
    for nl in note_lines:
        remember_related(nl, "allocations", [])
    DeliveryNote.gate_exit.related.set_cached_value(note, None)
    return note


@dataclass
class NonSaleLine:
    product: Product
    quantity: Decimal
    unit_cost: Decimal


@transaction.atomic
def delivery_note_issue_non_sale(
    *,
    kind: str,
    user,
    warehouse: Warehouse,
    lines: list[NonSaleLine],
    released_by: str,
    vehicle_plate: str = "",
    driver: str = "",
) -> DeliveryNote:
    """The outbound slip of goods out without a sale (a sample, advertising, a
    gift, a prize): a note of that ``kind`` with no order and no customer,
    valued at cost. Issued like a sale's note (stock reserved, never beyond
    what is available, valid on its day) and released at once: the approved
    request ``released_by`` (its number, logged) takes the finance stamp's
    place. From here the keeper dispatches it and the gate lets it out as any note.
    The caller (outbound) has checked its own request's state under its lock.
    """
    if kind == NoteKind.SALE or kind not in NoteKind.values:
        raise ApplicationError(_("Not a kind of goods out without a sale."), code="invalid_kind")
    if not user.has_perm("orders.issue_deliverynote"):
        raise PermissionDenied
    lines = _lines_to_issue(warehouse, lines)
    note = _new_note(
        user=user, warehouse=warehouse, vehicle_plate=vehicle_plate, driver=driver, kind=kind
    )
    note_lines = []
    per_product: dict[int, Decimal] = defaultdict(Decimal)
    products = {}
    for line in lines:
        qty = parse_positive_quantity(line.quantity)
        per_product[line.product.pk] += qty
        products[line.product.pk] = line.product
        note_lines.append(
            DeliveryNoteLine(
                product=line.product,
                quantity=qty,
                unit_price=line.unit_cost,
                amount=round_money(qty * line.unit_cost),
            )
        )
    _save_with_lines(note, note_lines)
    stock_reserve_many(
        warehouse=warehouse,
        items=[(products[pid], qty) for pid, qty in sorted(per_product.items())],
        reference=f"note:{note.pk}",
        user=user,
    )
    _number_and_log_issue(note, user, comment=released_by)
    return run_signed(note, "release", user=user, document_type=DOC, comment=released_by)


def _release_reservations(note: DeliveryNote, user) -> None:
    per_product: dict[int, Decimal] = defaultdict(Decimal)
    products = {}
    for line in note.lines.select_related("product"):
        per_product[line.product_id] += line.quantity
        products[line.product_id] = line.product
    stock_release_many(
        warehouse=note.warehouse,
        items=[(products[pid], qty) for pid, qty in per_product.items()],
        reference=f"note:{note.pk}",
        user=user,
    )


def _lock(note: DeliveryNote, *, customer: bool = False, order: bool = False) -> DeliveryNote:
    """The note locked for an action, read with its customer, warehouse and order.

    One lock order everywhere: the customer (``customer``: every decision on
    its credit is serialized), then the note, with its order (``order``) when
    the action changes the order too. ``note`` needs only its pk: the
    customer is found through the note in the locking statement itself. A
    note that does not exist raises DoesNotExist (404 in the API).
    """
    if not customer:
        return _NOTE_WITH_CUSTOMER.get(note.pk)
    # A non-sale note has no customer: nothing to lock before it.
    owner = _NOTES_CUSTOMER.first(note.pk)
    # The order next (a non-sale note has none: its nullable join cannot be
    # locked in the note's statement), then the note.
    own_order = _NOTES_ORDER.first(note.pk) if order else None
    found = _NOTE.get(note.pk)
    found.customer = owner
    if own_order is not None:
        found.order = own_order
    return found


def delivery_note_expire_if_stale(*, note: DeliveryNote) -> bool:
    """A note not dispatched by the end of its issue day expires (当天内有效) and
    gives back its stock. Its own transaction, so the expiry stands even when
    the action that found it is refused. False: the note is not stale."""
    if not note.is_stale():  # as the caller read it: nothing to lock for today's notes
        return False
    with transaction.atomic():
        note = _lock(note)
        if not note.is_stale():  # decided again under the lock
            return False
        run_transition(
            note,
            "expire",
            user=None,
            document_type=DOC,
            check_perm=False,
            comment="not dispatched on its issue day",
        )
        _release_reservations(note, None)
    return True


def delivery_notes_expire_stale() -> int:
    """The beat job: expire every stale note, each in its own transaction."""
    stale = DeliveryNote.objects.stale().only("pk", "issue_date", "status")
    return sum(delivery_note_expire_if_stale(note=note) for note in stale.iterator())


def _expire_and_refuse(note: DeliveryNote, action: str, *, user) -> NoReturn:
    """Stamp and dispatch lock the note first; one found past its issue day is
    left untouched by that transaction, expired here in a transaction of its
    own (so the expiry stands), and the action refused as for any expired note."""
    delivery_note_expire_if_stale(note=note)
    note.refresh_from_db(fields=["status"])
    check_transition(note, action, user=user)  # the note is expired (or cancelled) now
    raise ConflictError(_("This note has expired."), code="invalid_state")


def delivery_note_stamp(*, note: DeliveryNote, user, override_reason: str = "") -> DeliveryNote:
    """财务签章: only a covered note; a manager may override with a written reason."""
    with transaction.atomic():
        note = _lock(note, customer=True)
        if not note.is_stale():
            return _stamp(note, user=user, override_reason=override_reason)
    _expire_and_refuse(note, "stamp", user=user)


def _stamp_on_override(note: DeliveryNote, name: str, *, user, reason: str, **values):
    """A manager's stamp (or restamp) with a written reason in place of finance's cover."""
    note.override_reason = reason.strip()
    return run_signed(
        note, name, user=user, document_type=DOC, comment=note.override_reason, **values
    )


def _stamp(note: DeliveryNote, *, user, override_reason: str) -> DeliveryNote:
    if not note.is_sale():  # no customer to ask finance about
        raise ApplicationError(str(note.is_sale.message), code=note.is_sale.code)
    if override_reason.strip():
        return _stamp_on_override(
            note, "stamp_override", user=user, reason=override_reason, amount=note.value
        )
    # Finance's answer under the customer's lock, read by the transition's condition.
    note_coverage(note=note)
    return run_signed(
        note,
        "stamp",
        user=user,
        document_type=DOC,
        comment=str(note.coverage_found or ""),
        amount=note.value,
    )


@transaction.atomic
def delivery_note_restamp(*, note: DeliveryNote, user, override_reason: str = "") -> DeliveryNote:
    """Finance confirms the extra value is paid or within credit; the pass becomes valid."""
    note = _lock(note, customer=True)
    if override_reason.strip():
        return _stamp_on_override(note, "restamp_override", user=user, reason=override_reason)
    # Finance's answer under the customer's lock, read by the transition's condition.
    note_coverage(note=note)
    return run_signed(note, "restamp", user=user, document_type=DOC)


@transaction.atomic
def delivery_note_cancel(*, note: DeliveryNote, user, reason: str) -> DeliveryNote:
    """Cancel (reversing a stamp): an issued note is never altered, it is cancelled and reissued."""
    if not (reason or "").strip():
        raise ApplicationError(_("Say why the note is cancelled."), code="reason_required")
    note = _lock(note, customer=True)
    run_transition(note, "cancel", user=user, document_type=DOC, comment=reason, reason=reason)
    _release_reservations(note, user)
    return note
