"""Delivery notes through their services: issuing against approved orders and
available stock, and every transition of the approval chain allowed for the
right role in the right state, refused for every other role and state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from finance.credit import credit_position
from inventory.models import ReservationMove, StockLevel, StockMove
from inventory.services import InsufficientStock, stock_adjust
from orders.enums import NoteStatus, OrderStatus
from orders.models import DeliveryNote, DeliveryNoteLine, GateExit
from orders.services.delivery_notes import (
    IssueLine,
    delivery_note_cancel,
    delivery_note_issue,
    delivery_note_restamp,
    delivery_note_stamp,
    delivery_notes_expire_stale,
    open_quantities,
)
from orders.services.dispatch import Allocation, delivery_note_dispatch
from orders.services.exit_pass import exit_pass_use
from orders.services.sales_orders import sales_order_cancel, sales_order_reject
from salesadmin.clock import company_today
from salesadmin.errors import ApplicationError, ConflictError
from salesadmin.models import DocumentSequence, TransitionLog

pytestmark = pytest.mark.django_db

DOC = "delivery_note"
PLATE = "浙E12345"
STATES = [
    "issued",
    "stamped",
    "dispatched",
    "awaiting_topup",
    "exited",
    "cancelled",
    "expired",
]


def _year() -> int:
    return company_today().year


def _reserved(chain, index: int = 0) -> Decimal:
    level = StockLevel.objects.get(product=chain.products[index], warehouse=chain.warehouse)
    return level.reserved


def _on_hand(chain, index: int = 0) -> Decimal:
    level = StockLevel.objects.get(product=chain.products[index], warehouse=chain.warehouse)
    return level.on_hand


def _status(note) -> str:
    return DeliveryNote.objects.values_list("status", flat=True).get(pk=note.pk)


def _log(note) -> list[tuple]:
    return list(
        TransitionLog.objects.filter(document_type=DOC, document_id=note.pk).values_list(
            "transition", "from_state", "to_state", "user__username", "comment"
        )
    )


def _make_yesterdays(note) -> None:
    # A note issued yesterday that nobody dispatched: set up the date directly.
    DeliveryNote.objects.filter(pk=note.pk).update(issue_date=company_today() - dt.timedelta(1))


def _note_in(chain, guard, state: str) -> DeliveryNote:
    """A note of the chain's customer in ``state``, reached through the services."""
    order = chain.order()
    if state == "awaiting_topup":
        # 100 kg of liquid oxygen, weighed 3 % heavier at the weighbridge.
        note = chain.stamped(chain.note(order, quantities=["0", "100", "0"]))
        lines = chain.dispatch_lines(note, factor=Decimal("1.03"))
        note = delivery_note_dispatch(note=note, user=chain.keeper, lines=lines)
        assert note.status == NoteStatus.AWAITING_TOPUP
        return DeliveryNote.objects.get(pk=note.pk)
    note = chain.note(order)
    if state == "cancelled":
        delivery_note_cancel(note=note, user=chain.clerk, reason="wrong truck")
    elif state == "expired":
        _make_yesterdays(note)
        assert delivery_notes_expire_stale() == 1
    elif state != "issued":
        note = chain.stamped(note)
        if state != "stamped":
            note = chain.dispatched(note)
            if state == "exited":
                assert exit_pass_use(raw=note.pass_code, user=guard, vehicle_plate=PLATE).passed
    note = DeliveryNote.objects.get(pk=note.pk)
    assert note.status == state
    return note


# --- issue --------------------------------------------------------------------


def test_issue_reserves_stock_and_numbers_the_note(chain):
    order = chain.order()

    note = chain.note(order, quantities=["10", "100", "5"])

    assert note.number == f"DN{_year()}-000001"
    assert note.status == NoteStatus.ISSUED
    assert note.issue_date == company_today()
    assert note.customer == chain.customer
    assert note.value == Decimal("850.00")
    assert [(ln.product_id, ln.quantity, ln.amount) for ln in note.lines.order_by("id")] == [
        (chain.products[0].pk, Decimal("10"), Decimal("300.00")),
        (chain.products[1].pk, Decimal("100"), Decimal("150.00")),
        (chain.products[2].pk, Decimal("5"), Decimal("400.00")),
    ]
    assert [_reserved(chain, i) for i in range(3)] == [Decimal("10"), Decimal("100"), Decimal("5")]
    assert [_on_hand(chain, i) for i in range(3)] == [Decimal("1000")] * 3
    assert set(ReservationMove.objects.values_list("reference", flat=True)) == {f"note:{note.pk}"}
    assert _log(note) == [("issue", "", "issued", "clerk", "")]


def test_issued_notes_are_numbered_in_sequence(chain):
    order = chain.order(("10",))

    numbers = [chain.note(order, quantities=["1"]).number for _ in range(3)]

    assert numbers == [f"DN{_year()}-00000{i}" for i in (1, 2, 3)]


def test_manager_may_issue_too(chain):
    order = chain.order(("10",))
    line = order.lines.get()

    note = delivery_note_issue(
        order=order,
        user=chain.manager,
        warehouse=chain.warehouse,
        lines=[IssueLine(order_line=line, quantity=Decimal("2"))],
    )

    assert note.issued_by == chain.manager
    assert _reserved(chain) == Decimal("2")


@pytest.mark.parametrize("persona", ["finance", "keeper", "guard"])
def test_issue_needs_the_right_to_issue(request, chain, persona):
    order = chain.order(("10",))

    with pytest.raises(PermissionDenied):
        delivery_note_issue(
            order=order,
            user=request.getfixturevalue(persona),
            warehouse=chain.warehouse,
            lines=[IssueLine(order_line=order.lines.get(), quantity=Decimal("1"))],
        )
    assert not DeliveryNote.objects.exists()
    assert _reserved(chain) == 0


def _order_in(chain, state):
    if state == "draft":
        return chain.order(("10",), submit=False)
    if state == "completed":
        order = chain.order(("10",))
        chain.dispatched(chain.stamped(chain.note(order)))
        order.refresh_from_db()
        return order
    order = chain.order(("10",), prices=[Decimal("28.00")])  # waits for a manager
    if state == "rejected":
        sales_order_reject(order=order, user=chain.manager, comment="price")
    elif state == "cancelled":
        sales_order_cancel(order=order, user=chain.clerk)
    order.refresh_from_db()
    return order


@pytest.mark.parametrize("state", ["draft", "submitted", "rejected", "cancelled", "completed"])
def test_issue_only_from_an_approved_order(chain, state):
    order = _order_in(chain, state)
    assert order.status == state
    notes_before = DeliveryNote.objects.count()
    reserved_before = _reserved(chain)

    with pytest.raises(ApplicationError) as excinfo:
        delivery_note_issue(
            order=order,
            user=chain.clerk,
            warehouse=chain.warehouse,
            lines=[IssueLine(order_line=order.lines.get(), quantity=Decimal("1"))],
        )

    assert excinfo.value.code == "order_not_approved"
    assert DeliveryNote.objects.count() == notes_before
    assert _reserved(chain) == reserved_before


def test_issue_beyond_the_open_quantity_is_refused(chain):
    order = chain.order(("10",))

    with pytest.raises(ApplicationError) as excinfo:
        chain.note(order, quantities=["10.001"])

    assert excinfo.value.code == "over_order"
    assert not DeliveryNote.objects.exists()
    assert _reserved(chain) == 0


def test_partial_issue_leaves_the_rest_open_for_a_second_note(chain):
    order = chain.order(("10",))
    line = order.lines.get()

    first = chain.note(order, quantities=["6"])
    assert open_quantities(order) == {line.pk: Decimal("4")}
    with pytest.raises(ApplicationError) as excinfo:
        chain.note(order, quantities=["5"])
    assert excinfo.value.code == "over_order"
    second = chain.note(order, quantities=["4"])

    assert open_quantities(order) == {line.pk: Decimal("0")}
    assert (first.number, second.number) == (f"DN{_year()}-000001", f"DN{_year()}-000002")
    assert _reserved(chain) == Decimal("10")
    with pytest.raises(ApplicationError):
        chain.note(order, quantities=["0.001"])


def test_issue_beyond_available_stock_writes_nothing(chain):
    # Given an order for 991 taken while 1000 were there (an A contract: no
    # stock held for it), then a first note of 10
    big = chain.order(("991",))
    first = chain.note(chain.order(("10",)))
    sequence_before = DocumentSequence.objects.get(doc_type=DOC).last_number

    # When a note for 991 is issued against 990 available
    with pytest.raises(InsufficientStock) as excinfo:
        chain.note(big)

    # Then nothing is written: no note, no lines, no reservation, no number
    assert excinfo.value.code == "insufficient_stock"
    assert excinfo.value.available == Decimal("990")
    assert list(DeliveryNote.objects.values_list("pk", flat=True)) == [first.pk]
    assert DeliveryNoteLine.objects.filter(note__order=big).count() == 0
    assert _reserved(chain) == Decimal("10")
    assert ReservationMove.objects.count() == 1
    assert DocumentSequence.objects.get(doc_type=DOC).last_number == sequence_before == 1
    assert not TransitionLog.objects.filter(transition="issue").exclude(document_id=first.pk)
    # And the next note gets the next number, without a gap
    assert chain.note(big, quantities=["990"]).number == f"DN{_year()}-000002"


def test_a_short_second_product_rolls_back_the_first_products_reservation(chain):
    # Oxygen is plentiful, liquid oxygen is short by one kilogram: the order
    # was taken when all of it was there (an A contract), then a count found
    # one kilogram less.
    order = chain.order(("5", "1000"))
    stock_adjust(
        product=chain.products[1],
        warehouse=chain.warehouse,
        batch=chain.batches[chain.products[1].pk],
        quantity="-1",
        user=chain.manager,
        reason="盘点",
    )

    with pytest.raises(InsufficientStock):
        chain.note(order)

    assert _reserved(chain, 0) == 0
    assert _reserved(chain, 1) == 0
    assert not ReservationMove.objects.exists()
    assert not DeliveryNote.objects.exists()


@pytest.mark.parametrize(
    "quantity",
    [
        pytest.param("-1", id="negative"),
        pytest.param("0.0001", id="four-decimals"),
        pytest.param("abc", id="text"),
        pytest.param("NaN", id="nan"),
    ],
)
def test_issue_refuses_invalid_quantities(chain, quantity):
    order = chain.order(("10",))

    with pytest.raises(ApplicationError) as excinfo:
        delivery_note_issue(
            order=order,
            user=chain.clerk,
            warehouse=chain.warehouse,
            lines=[IssueLine(order_line=order.lines.get(), quantity=quantity)],
        )

    assert excinfo.value.code == "invalid_quantity"
    assert not DeliveryNote.objects.exists()


@pytest.mark.parametrize(
    "quantities",
    [
        # A negative allocation balanced by a larger one: the total is right,
        # but a negative move out would put stock back.
        pytest.param(["11", "-1"], id="negative-allocation"),
        pytest.param(["abc"], id="text"),
        pytest.param(["NaN"], id="nan"),
    ],
)
def test_dispatch_refuses_invalid_quantities(chain, guard, quantities):
    note = _note_in(chain, guard, "stamped")
    lines = chain.dispatch_lines(note)
    batch = lines[0].allocations[0].batch
    lines[0].allocations = [Allocation(batch=batch, quantity=q) for q in quantities]
    before = [_on_hand(chain, i) for i in range(3)]

    with pytest.raises(ApplicationError) as excinfo:
        delivery_note_dispatch(note=note, user=chain.keeper, lines=lines)

    assert excinfo.value.code == "invalid_quantity"
    assert _status(note) == NoteStatus.STAMPED
    assert not StockMove.objects.filter(kind="dispatch").exists()
    assert [_on_hand(chain, i) for i in range(3)] == before


def test_a_line_of_another_order_is_refused(chain):
    order, other = chain.order(("10",)), chain.order(("10",))

    with pytest.raises(ApplicationError) as excinfo:
        delivery_note_issue(
            order=order,
            user=chain.clerk,
            warehouse=chain.warehouse,
            lines=[IssueLine(order_line=other.lines.get(), quantity=Decimal("1"))],
        )

    assert excinfo.value.code == "line_mismatch"
    assert _reserved(chain) == 0


# --- stamp --------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["finance", "manager"])
def test_stamp_by_finance_or_manager(request, chain, guard, persona):
    user = request.getfixturevalue(persona)
    note = _note_in(chain, guard, "issued")

    note = delivery_note_stamp(note=note, user=user)

    assert _status(note) == NoteStatus.STAMPED
    assert (note.stamped_by, note.coverage, note.covered_amount) == (
        user,
        "credit",
        Decimal("850.00"),
    )
    assert note.stamped_at is not None
    assert _log(note)[-1] == ("stamp", "issued", "stamped", persona, "credit")


@pytest.mark.parametrize("persona", ["clerk", "keeper", "guard"])
def test_stamp_refused_for_other_roles(request, chain, guard, persona):
    note = _note_in(chain, guard, "issued")

    with pytest.raises(PermissionDenied):
        delivery_note_stamp(note=note, user=request.getfixturevalue(persona))

    assert _status(note) == NoteStatus.ISSUED
    assert [row[0] for row in _log(note)] == ["issue"]


@pytest.mark.parametrize("state", [s for s in STATES if s != "issued"])
def test_stamp_refused_in_every_other_state(chain, guard, state):
    note = _note_in(chain, guard, state)
    log_before = _log(note)

    with pytest.raises(ConflictError) as excinfo:
        delivery_note_stamp(note=note, user=chain.finance)

    assert excinfo.value.code == "invalid_state"
    assert _status(note) == state
    assert _log(note) == log_before


# --- stamp override -------------------------------------------------------------


def test_stamp_override_by_manager_with_reason(chain, guard):
    note = _note_in(chain, guard, "issued")

    note = delivery_note_stamp(note=note, user=chain.manager, override_reason="  boss says ok ")

    assert _status(note) == NoteStatus.STAMPED
    assert (note.coverage, note.override_reason, note.stamped_by) == (
        "override",
        "boss says ok",
        chain.manager,
    )
    assert _log(note)[-1] == ("stamp_override", "issued", "stamped", "manager", "boss says ok")


@pytest.mark.parametrize("persona", ["finance", "clerk", "keeper", "guard"])
def test_stamp_override_refused_for_other_roles(request, chain, guard, persona):
    note = _note_in(chain, guard, "issued")

    with pytest.raises(PermissionDenied):
        delivery_note_stamp(
            note=note, user=request.getfixturevalue(persona), override_reason="trust me"
        )

    fresh = DeliveryNote.objects.get(pk=note.pk)
    assert (fresh.status, fresh.override_reason) == (NoteStatus.ISSUED, "")


@pytest.mark.parametrize("state", [s for s in STATES if s != "issued"])
def test_stamp_override_refused_in_every_other_state(chain, guard, state):
    note = _note_in(chain, guard, state)

    with pytest.raises(ConflictError):
        delivery_note_stamp(note=note, user=chain.manager, override_reason="boss says ok")

    assert _status(note) == state
    assert "stamp_override" not in [row[0] for row in _log(note)]


# --- dispatch -----------------------------------------------------------------


@pytest.mark.parametrize("persona", ["keeper", "manager"])
def test_dispatch_by_keeper_or_manager(request, chain, guard, persona):
    user = request.getfixturevalue(persona)
    note = _note_in(chain, guard, "stamped")

    note = delivery_note_dispatch(note=note, user=user, lines=chain.dispatch_lines(note))

    assert _status(note) == NoteStatus.DISPATCHED
    assert (note.dispatched_by, note.actual_value) == (user, Decimal("850.00"))
    assert _log(note)[-1] == ("dispatch", "stamped", "dispatched", persona, "")


@pytest.mark.parametrize("persona", ["finance", "clerk", "guard"])
def test_dispatch_refused_for_other_roles(request, chain, guard, persona):
    note = _note_in(chain, guard, "stamped")

    with pytest.raises(PermissionDenied):
        delivery_note_dispatch(
            note=note, user=request.getfixturevalue(persona), lines=chain.dispatch_lines(note)
        )

    assert _status(note) == NoteStatus.STAMPED
    assert not StockMove.objects.filter(kind="dispatch").exists()
    assert _reserved(chain) == Decimal("10")


@pytest.mark.parametrize("state", [s for s in STATES if s != "stamped"])
def test_dispatch_refused_in_every_other_state(chain, guard, state):
    note = _note_in(chain, guard, state)
    moves_before = StockMove.objects.count()

    with pytest.raises(ConflictError):
        delivery_note_dispatch(note=note, user=chain.keeper, lines=chain.dispatch_lines(note))

    assert _status(note) == state
    assert StockMove.objects.count() == moves_before


# --- restamp --------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["finance", "manager"])
def test_restamp_by_finance_when_within_credit(request, chain, guard, persona):
    user = request.getfixturevalue(persona)
    note = _note_in(chain, guard, "awaiting_topup")

    note = delivery_note_restamp(note=note, user=user)

    assert _status(note) == NoteStatus.DISPATCHED
    assert (note.stamped_by, note.covered_amount) == (user, Decimal("154.50"))
    assert _log(note)[-1] == ("restamp", "awaiting_topup", "dispatched", persona, "")


@pytest.mark.parametrize("persona", ["clerk", "keeper", "guard"])
def test_restamp_refused_for_other_roles(request, chain, guard, persona):
    note = _note_in(chain, guard, "awaiting_topup")

    with pytest.raises(PermissionDenied):
        delivery_note_restamp(note=note, user=request.getfixturevalue(persona))

    assert _status(note) == NoteStatus.AWAITING_TOPUP


@pytest.mark.parametrize("state", [s for s in STATES if s != "awaiting_topup"])
def test_restamp_refused_in_every_other_state(chain, guard, state):
    note = _note_in(chain, guard, state)
    log_before = _log(note)

    with pytest.raises(ConflictError):
        delivery_note_restamp(note=note, user=chain.finance)

    assert _status(note) == state
    assert _log(note) == log_before


# --- gate exit --------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["guard", "manager"])
def test_exit_at_the_gate(request, chain, guard, persona):
    user = request.getfixturevalue(persona)
    note = _note_in(chain, guard, "dispatched")

    result = exit_pass_use(raw=note.pass_code, user=user, vehicle_plate=" 浙e54321 ")

    assert result.passed
    assert _status(note) == NoteStatus.EXITED
    gate_exit = GateExit.objects.get(note=note)
    assert (gate_exit.vehicle_plate, gate_exit.guard) == ("浙E54321", user)
    assert _log(note)[-1] == ("exit", "dispatched", "exited", persona, "浙E54321")


@pytest.mark.parametrize("persona", ["clerk", "finance", "keeper"])
def test_exit_refused_for_other_roles(request, chain, guard, persona):
    note = _note_in(chain, guard, "dispatched")

    with pytest.raises(PermissionDenied):
        exit_pass_use(
            raw=note.pass_code, user=request.getfixturevalue(persona), vehicle_plate=PLATE
        )

    assert _status(note) == NoteStatus.DISPATCHED
    assert not GateExit.objects.exists()


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        ("issued", "not_stamped"),
        ("stamped", "not_loaded"),
        ("awaiting_topup", "awaiting_topup"),
        ("exited", "used"),
        ("cancelled", "cancelled"),
        ("expired", "expired"),
    ],
)
def test_exit_stopped_in_every_other_state(chain, guard, state, reason):
    note = _note_in(chain, guard, state)
    exits_before = GateExit.objects.count()

    result = exit_pass_use(raw=note.pass_code, user=guard, vehicle_plate=PLATE)

    assert (result.passed, result.reason) == (False, reason)
    assert _status(note) == state
    assert GateExit.objects.count() == exits_before
    assert [row[0] for row in _log(note)].count("exit") == (1 if state == "exited" else 0)


# --- cancel -----------------------------------------------------------------------


@pytest.mark.parametrize("state", ["issued", "stamped"])
@pytest.mark.parametrize("persona", ["clerk", "manager"])
def test_cancel_releases_the_reservation_and_reverses_the_stamp(
    request, chain, guard, state, persona
):
    user = request.getfixturevalue(persona)
    note = _note_in(chain, guard, state)
    assert _reserved(chain) == Decimal("10")
    assert credit_position(customer=chain.customer).pending == (
        Decimal("850.00") if state == "stamped" else 0
    )

    delivery_note_cancel(note=note, user=user, reason="customer changed the order")

    note = DeliveryNote.objects.get(pk=note.pk)
    assert (note.status, note.cancel_reason) == ("cancelled", "customer changed the order")
    assert [_reserved(chain, i) for i in range(3)] == [0, 0, 0]
    assert credit_position(customer=chain.customer).pending == 0
    assert _log(note)[-1] == ("cancel", state, "cancelled", persona, "customer changed the order")


@pytest.mark.parametrize("persona", ["finance", "keeper", "guard"])
def test_cancel_refused_for_other_roles(request, chain, guard, persona):
    note = _note_in(chain, guard, "issued")

    with pytest.raises(PermissionDenied):
        delivery_note_cancel(note=note, user=request.getfixturevalue(persona), reason="x")

    assert _status(note) == NoteStatus.ISSUED
    assert _reserved(chain) == Decimal("10")


@pytest.mark.parametrize(
    "state", ["dispatched", "awaiting_topup", "exited", "cancelled", "expired"]
)
def test_cancel_refused_in_every_other_state(chain, guard, state):
    note = _note_in(chain, guard, state)
    reserved_before = [_reserved(chain, i) for i in range(3)]

    with pytest.raises(ConflictError):
        delivery_note_cancel(note=note, user=chain.manager, reason="too late")

    assert _status(note) == state
    assert [_reserved(chain, i) for i in range(3)] == reserved_before


@pytest.mark.parametrize("reason", ["", "  "])
def test_cancel_needs_a_reason(chain, guard, reason):
    note = _note_in(chain, guard, "issued")

    with pytest.raises(ApplicationError) as excinfo:
        delivery_note_cancel(note=note, user=chain.clerk, reason=reason)

    assert excinfo.value.code == "reason_required"
    assert _status(note) == NoteStatus.ISSUED


def test_cancel_and_reissue_gives_a_new_number_and_keeps_the_old_note(chain):
    order = chain.order(("10",))
    old = chain.note(order)

    delivery_note_cancel(note=old, user=chain.clerk, reason="wrong quantity")
    new = chain.note(order, quantities=["8"])

    old.refresh_from_db()
    assert old.status == NoteStatus.CANCELLED
    assert old.number == f"DN{_year()}-000001"
    assert new.number == f"DN{_year()}-000002"
    assert old.lines.get().quantity == Decimal("10")
    assert _reserved(chain) == Decimal("8")


# --- expiry ----------------------------------------------------------------------


def test_the_sweep_expires_yesterdays_notes_and_releases_their_stock(chain, guard):
    issued = _note_in(chain, guard, "issued")
    stamped = _note_in(chain, guard, "stamped")
    _make_yesterdays(issued)
    _make_yesterdays(stamped)

    assert delivery_notes_expire_stale() == 2

    assert (_status(issued), _status(stamped)) == ("expired", "expired")
    assert [_reserved(chain, i) for i in range(3)] == [0, 0, 0]
    assert credit_position(customer=chain.customer).pending == 0
    assert _log(issued)[-1][:4] == ("expire", "issued", "expired", None)


@pytest.mark.parametrize("given", ["loaded", "pk only"])
@pytest.mark.parametrize("action", ["stamp", "dispatch"])
def test_acting_on_yesterdays_note_expires_it_even_though_the_action_is_refused(
    chain, guard, action, given
):
    # delivery_note_expire_if_stale: "Its own transaction, so the expiry stands
    # even when the action that found it is refused."
    note = _note_in(chain, guard, "issued" if action == "stamp" else "stamped")
    _make_yesterdays(note)
    lines = chain.dispatch_lines(note)
    # As a page loads it, or as the API hands it on (the service reads it).
    note = DeliveryNote.objects.get(pk=note.pk) if given == "loaded" else DeliveryNote(pk=note.pk)

    with pytest.raises(ConflictError):
        if action == "stamp":
            delivery_note_stamp(note=note, user=chain.finance)
        else:
            delivery_note_dispatch(note=note, user=chain.keeper, lines=lines)

    assert _status(note) == NoteStatus.EXPIRED
    assert _reserved(chain) == 0


def test_dispatch_completes_the_order_note_by_note(chain):
    order = chain.order(("10",))

    chain.dispatched(chain.stamped(chain.note(order, quantities=["4"])))
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_DELIVERED
    chain.dispatched(chain.stamped(chain.note(order, quantities=["6"])))
    order.refresh_from_db()

    assert order.status == OrderStatus.COMPLETED
