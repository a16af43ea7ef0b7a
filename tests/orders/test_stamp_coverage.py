"""The finance stamp covers a note, and the dispatch checks what was loaded
against what was covered: prepayment, credit within the limit, a manager's
override; weighbridge tolerance, top-up and restamp; stock and the ledger."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from customers.enums import CreditTerms
from customers.services import customer_set_credit_hold
from finance.credit import credit_position
from finance.enums import EntryKind
from finance.models import ReceivableEntry
from finance.services import payment_record
from inventory.enums import MoveKind
from inventory.models import BatchLevel, StockLevel, StockMove
from orders.enums import Coverage, NoteStatus, OrderStatus
from orders.models import DeliveryNote, DispatchAllocation
from orders.services.delivery_notes import (
    delivery_note_cancel,
    delivery_note_restamp,
    delivery_note_stamp,
)
from orders.services.dispatch import Allocation, DispatchLine, delivery_note_dispatch
from orders.services.exit_pass import exit_pass_check
from orders.services.sales_orders import LineInput, sales_order_create, sales_order_submit
from salesadmin.clock import company_today
from salesadmin.errors import ApplicationError
from salesadmin.models import TransitionLog
from salesadmin.transitions import run_transition
from tests.chain import receive_stock
from tests.factories import BatchFactory, CustomerFactory

pytestmark = pytest.mark.django_db

OXYGEN, LIQUID_OXYGEN, ARGON = 0, 1, 2


def _prepaid():
    return CustomerFactory(credit_terms=CreditTerms.PREPAID, credit_limit=Decimal("0.00"))


def _credit(limit: str):
    return CustomerFactory(credit_terms=CreditTerms.MONTHLY, credit_limit=Decimal(limit))


def _oxygen_note(chain, customer, cylinders: str = "10") -> DeliveryNote:
    """A note for ``cylinders`` × oxygen at 30.00 (10 → 300.00)."""
    return chain.note(chain.order((cylinders,), customer=customer))


def _note_of(chain, customer, product: int, quantity: str) -> DeliveryNote:
    """An approved one-line order at list price, and a note for all of it."""
    order = sales_order_create(
        user=chain.clerk,
        customer=customer or chain.customer,
        lines=[LineInput(product=chain.products[product], quantity=Decimal(quantity))],
    )
    return chain.note(sales_order_submit(order=order, user=chain.clerk))


def _liquid_oxygen_note(chain, customer=None, kg: str = "100") -> DeliveryNote:
    """A note for ``kg`` of liquid oxygen at 1.50/kg (100 → 150.00), weighed at dispatch."""
    return _note_of(chain, customer, LIQUID_OXYGEN, kg)


def _pay(chain, customer, amount: str, reference: str = ""):
    return payment_record(
        customer=customer, amount=Decimal(amount), user=chain.finance, reference=reference
    )


def _owes(customer, amount: str) -> None:
    """An earlier charge still outstanding on the ledger."""
    ReceivableEntry.objects.create(
        customer=customer,
        kind=EntryKind.CHARGE,
        amount=Decimal(amount),
        entry_date=company_today(),
    )


def _status(note) -> str:
    return DeliveryNote.objects.values_list("status", flat=True).get(pk=note.pk)


def _stamp_refused(chain, note, code: str = "not_covered", user=None) -> None:
    with pytest.raises(ApplicationError) as excinfo:
        delivery_note_stamp(note=note, user=user or chain.finance)
    assert excinfo.value.code == code
    fresh = DeliveryNote.objects.get(pk=note.pk)
    assert (fresh.status, fresh.stamped_by, fresh.coverage) == (NoteStatus.ISSUED, None, "")
    assert not TransitionLog.objects.filter(document_id=note.pk, to_state="stamped").exists()


# --- prepaid customers ----------------------------------------------------------


def test_prepaid_customer_without_payment_cannot_be_stamped(chain):
    note = _oxygen_note(chain, _prepaid())

    _stamp_refused(chain, note)


def test_prepaid_customer_short_by_a_cent_cannot_be_stamped(chain):
    customer = _prepaid()
    note = _oxygen_note(chain, customer)
    _pay(chain, customer, "299.99")

    _stamp_refused(chain, note)


def test_prepayment_of_exactly_the_note_value_covers_it(chain):
    customer = _prepaid()
    note = _oxygen_note(chain, customer)
    _pay(chain, customer, "300.00")

    note = delivery_note_stamp(note=note, user=chain.finance)

    fresh = DeliveryNote.objects.get(pk=note.pk)
    assert fresh.status == NoteStatus.STAMPED
    assert (fresh.coverage, fresh.covered_amount) == (Coverage.PREPAYMENT, Decimal("300.00"))
    assert fresh.stamped_by == chain.finance and fresh.stamped_at is not None
    assert TransitionLog.objects.filter(document_id=note.pk, transition="stamp").get().comment == (
        "prepayment"
    )


def test_a_second_note_cannot_reuse_a_prepayment_already_stamped(chain):
    customer = _prepaid()
    first, second = _oxygen_note(chain, customer), _oxygen_note(chain, customer)
    _pay(chain, customer, "300.00")
    delivery_note_stamp(note=first, user=chain.finance)

    # The first note is stamped, not yet charged: its 300.00 is promised.
    assert credit_position(customer=customer).exposure == Decimal("0.00")
    _stamp_refused(chain, second)

    _pay(chain, customer, "300.00")
    delivery_note_stamp(note=second, user=chain.finance)
    assert _status(second) == NoteStatus.STAMPED


def test_a_cancelled_stamped_note_frees_its_prepayment(chain):
    customer = _prepaid()
    first, second = _oxygen_note(chain, customer), _oxygen_note(chain, customer)
    _pay(chain, customer, "300.00")
    delivery_note_stamp(note=first, user=chain.finance)

    delivery_note_cancel(note=first, user=chain.clerk, reason="truck broke down")

    delivery_note_stamp(note=second, user=chain.finance)
    assert _status(second) == NoteStatus.STAMPED


# --- credit customers -----------------------------------------------------------


def test_credit_customer_up_to_the_limit_is_covered(chain):
    customer = _credit("1000.00")
    note = _oxygen_note(chain, customer)
    _owes(customer, "700.00")

    delivery_note_stamp(note=note, user=chain.finance)

    fresh = DeliveryNote.objects.get(pk=note.pk)
    assert (fresh.status, fresh.coverage) == (NoteStatus.STAMPED, Coverage.CREDIT)
    assert fresh.covered_amount == Decimal("300.00")


def test_credit_customer_one_cent_over_the_limit_is_refused(chain):
    customer = _credit("1000.00")
    note = _oxygen_note(chain, customer)
    _owes(customer, "700.01")

    _stamp_refused(chain, note)


def test_stamped_notes_not_yet_charged_count_against_the_limit(chain):
    # Given a limit of 1000.00 and three notes of 300.00, 640.00 and 90.00,
    # each of which alone is well within it
    customer = _credit("1000.00")
    first = _oxygen_note(chain, customer)
    second = _note_of(chain, customer, ARGON, "8")
    third = _oxygen_note(chain, customer, cylinders="3")
    assert (second.value, third.value) == (Decimal("640.00"), Decimal("90.00"))

    # When the first two are stamped (promised, not yet charged)
    delivery_note_stamp(note=first, user=chain.finance)
    delivery_note_stamp(note=second, user=chain.finance)

    # Then 300 + 640 + 90 > 1000: the third is refused
    assert credit_position(customer=customer).exposure == Decimal("940.00")
    _stamp_refused(chain, third)


def test_a_prepayment_covers_a_credit_customer_first(chain):
    customer = _credit("100.00")
    _pay(chain, customer, "500.00")
    note = _oxygen_note(chain, customer)

    delivery_note_stamp(note=note, user=chain.finance)

    assert DeliveryNote.objects.get(pk=note.pk).coverage == Coverage.PREPAYMENT


def test_customer_on_hold_is_refused_even_within_the_limit(chain):
    customer = _credit("100000.00")
    note = _oxygen_note(chain, customer)
    customer_set_credit_hold(
        customer=customer, user=chain.manager, on_hold=True, reason="invoice 60 days overdue"
    )

    _stamp_refused(chain, note)


def test_customer_on_hold_is_refused_even_when_prepaid(chain):
    customer = _prepaid()
    note = _oxygen_note(chain, customer)
    _pay(chain, customer, "300.00")
    customer_set_credit_hold(customer=customer, user=chain.manager, on_hold=True, reason="dispute")

    _stamp_refused(chain, note)


def test_quarterly_customers_follow_the_same_limit_rule(chain):
    customer = CustomerFactory(credit_terms=CreditTerms.QUARTERLY, credit_limit=Decimal("330.00"))
    covered = _oxygen_note(chain, customer)  # 300.00
    too_much = _oxygen_note(chain, customer, cylinders="2")  # 60.00: 360 > 330

    delivery_note_stamp(note=covered, user=chain.finance)

    assert DeliveryNote.objects.get(pk=covered.pk).coverage == Coverage.CREDIT
    _stamp_refused(chain, too_much)


# --- manager override -------------------------------------------------------------


def test_manager_overrides_an_uncovered_note_with_a_reason(chain):
    note = _oxygen_note(chain, _prepaid())

    delivery_note_stamp(note=note, user=chain.manager, override_reason="pays cash at the gate")

    fresh = DeliveryNote.objects.get(pk=note.pk)
    assert fresh.status == NoteStatus.STAMPED
    assert (fresh.coverage, fresh.override_reason) == (Coverage.OVERRIDE, "pays cash at the gate")
    assert (fresh.stamped_by, fresh.covered_amount) == (chain.manager, Decimal("300.00"))
    log = TransitionLog.objects.get(document_id=note.pk, transition="stamp_override")
    assert (log.user, log.comment) == (chain.manager, "pays cash at the gate")


def test_manager_overrides_a_customer_on_hold(chain):
    customer = _credit("100000.00")
    note = _oxygen_note(chain, customer)
    customer_set_credit_hold(customer=customer, user=chain.manager, on_hold=True, reason="late")

    delivery_note_stamp(note=note, user=chain.manager, override_reason="paid today, bank slip")

    assert DeliveryNote.objects.get(pk=note.pk).coverage == Coverage.OVERRIDE


@pytest.mark.parametrize("reason", ["", "   "])
def test_override_without_a_reason_is_refused(chain, reason):
    note = _oxygen_note(chain, _prepaid())

    # Through the service, no reason means a plain stamp, refused as not covered.
    _stamp_refused(chain, note, user=chain.manager)
    with pytest.raises(ApplicationError):
        delivery_note_stamp(note=note, user=chain.manager, override_reason=reason)

    # The override transition itself names the missing reason.
    locked = DeliveryNote.objects.get(pk=note.pk)
    locked.override_reason = reason
    with pytest.raises(ApplicationError) as excinfo:
        run_transition(
            locked,
            "stamp_override",
            user=chain.manager,
            document_type="delivery_note",
            by=chain.manager,
            at=None,
            amount=locked.value,
        )
    assert excinfo.value.code == "override_reason_required"
    assert _status(note) == NoteStatus.ISSUED


def test_finance_cannot_override(chain):
    note = _oxygen_note(chain, _prepaid())

    with pytest.raises(PermissionDenied):
        delivery_note_stamp(note=note, user=chain.finance, override_reason="I trust them")

    assert _status(note) == NoteStatus.ISSUED


# --- dispatch: stock, ledger, order -----------------------------------------------


def test_dispatch_moves_stock_out_releases_the_reservation_and_charges(chain):
    order = chain.order(("10", "100"))
    note = chain.stamped(chain.note(order, quantities=["4", "100"]))

    note = chain.dispatched(note)

    # Stock: one negative dispatch move per line, on hand down, nothing reserved
    moves = StockMove.objects.filter(kind=MoveKind.DISPATCH).order_by("product_id")
    assert [(m.product_id, m.quantity, m.reference) for m in moves] == [
        (chain.products[OXYGEN].pk, Decimal("-4"), note.number),
        (chain.products[LIQUID_OXYGEN].pk, Decimal("-100"), note.number),
    ]
    levels = StockLevel.objects.filter(warehouse=chain.warehouse).order_by("product_id")
    assert [(lv.on_hand, lv.reserved) for lv in levels][:2] == [
        (Decimal("996"), Decimal("0")),
        (Decimal("900"), Decimal("0")),
    ]
    batch = chain.batches[chain.products[OXYGEN].pk]
    assert BatchLevel.objects.get(batch=batch).on_hand == Decimal("996")
    assert DispatchAllocation.objects.count() == 2
    assert [ln.actual_quantity for ln in note.lines.order_by("id")] == [
        Decimal("4"),
        Decimal("100"),
    ]
    # Ledger: a charge of the actual value
    charge = ReceivableEntry.objects.get(kind=EntryKind.CHARGE)
    assert (charge.customer, charge.amount, charge.delivery_note) == (
        chain.customer,
        Decimal("270.00"),
        note,
    )
    assert credit_position(customer=chain.customer).balance == Decimal("270.00")
    # Order: partly delivered (6 oxygen still open)
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_DELIVERED
    # The stamp's promise became a charge: exposure counts it once
    assert credit_position(customer=chain.customer).exposure == Decimal("270.00")


def test_order_completes_with_the_last_dispatch(chain):
    order = chain.order(("10", "100"))
    chain.dispatched(chain.stamped(chain.note(order, quantities=["4", "100"])))

    chain.dispatched(chain.stamped(chain.note(order, quantities=["6", "0"])))

    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED


def _load(chain, note, *allocations):
    """The keeper dispatches the note's one line from these (batch, quantity) pairs."""
    line = note.lines.get()
    loads = [Allocation(batch=batch, quantity=Decimal(qty)) for batch, qty in allocations]
    return delivery_note_dispatch(
        note=note, user=chain.keeper, lines=[DispatchLine(note_line=line, allocations=loads)]
    )


def test_dispatch_across_two_batches(chain):
    product = chain.products[OXYGEN]
    second_batch = BatchFactory(product=product)
    receive_stock(
        product=product,
        warehouse=chain.warehouse,
        batch=second_batch,
        quantity="5",
        user=chain.keeper,
    )
    note = chain.stamped(_oxygen_note(chain, chain.customer))

    _load(chain, note, (chain.batches[product.pk], "7"), (second_batch, "3"))

    assert BatchLevel.objects.get(batch=second_batch).on_hand == Decimal("2")
    assert BatchLevel.objects.get(batch=chain.batches[product.pk]).on_hand == Decimal("993")
    assert _status(note) == NoteStatus.DISPATCHED


# --- weighbridge tolerance ----------------------------------------------------------


def _snapshot(chain, customer):
    return {
        "levels": list(StockLevel.objects.order_by("pk").values_list("on_hand", "reserved")),
        "batches": list(BatchLevel.objects.order_by("pk").values_list("on_hand", flat=True)),
        "moves": StockMove.objects.count(),
        "allocations": DispatchAllocation.objects.count(),
        "ledger": list(ReceivableEntry.objects.values_list("pk", flat=True)),
        "balance": credit_position(customer=customer).balance,
        "log": TransitionLog.objects.count(),
    }


@pytest.mark.parametrize("factor", ["1.06", "0.94", "1.051"])
def test_weighed_goods_outside_the_tolerance_are_refused_and_nothing_moves(chain, factor):
    note = chain.stamped(_liquid_oxygen_note(chain))
    before = _snapshot(chain, chain.customer)

    with pytest.raises(ApplicationError) as excinfo:
        delivery_note_dispatch(
            note=note,
            user=chain.keeper,
            lines=chain.dispatch_lines(note, factor=Decimal(factor)),
        )

    assert excinfo.value.code == "outside_tolerance"
    assert _status(note) == NoteStatus.STAMPED
    assert _snapshot(chain, chain.customer) == before
    assert DeliveryNote.objects.get(pk=note.pk).actual_value is None


@pytest.mark.parametrize(
    ("factor", "actual_value", "status"),
    [
        ("1.05", "157.50", NoteStatus.AWAITING_TOPUP),
        ("1.03", "154.50", NoteStatus.AWAITING_TOPUP),
        ("1", "150.00", NoteStatus.DISPATCHED),
        ("0.97", "145.50", NoteStatus.DISPATCHED),
        ("0.95", "142.50", NoteStatus.DISPATCHED),
    ],
)
def test_weighed_goods_within_the_tolerance_are_dispatched(chain, factor, actual_value, status):
    note = chain.stamped(_liquid_oxygen_note(chain))

    note = delivery_note_dispatch(
        note=note, user=chain.keeper, lines=chain.dispatch_lines(note, factor=Decimal(factor))
    )

    assert _status(note) == status
    assert note.actual_value == Decimal(actual_value)
    charge = ReceivableEntry.objects.get(kind=EntryKind.CHARGE, delivery_note=note)
    assert charge.amount == Decimal(actual_value)
    moved = StockMove.objects.get(kind=MoveKind.DISPATCH).quantity
    assert moved == -(Decimal("100") * Decimal(factor))


@pytest.mark.parametrize("loaded", ["10.001", "9.999", "11", "9"])
def test_piece_goods_must_match_exactly(chain, loaded):
    note = chain.stamped(_oxygen_note(chain, chain.customer))
    before = _snapshot(chain, chain.customer)

    with pytest.raises(ApplicationError) as excinfo:
        _load(chain, note, (chain.batches[note.lines.get().product_id], loaded))

    assert excinfo.value.code == "outside_tolerance"
    assert _status(note) == NoteStatus.STAMPED
    assert _snapshot(chain, chain.customer) == before


# --- top-up and restamp ------------------------------------------------------------


def _topup_note(chain, customer, paid: str = "150.00") -> DeliveryNote:
    """A prepaid note of 150.00, loaded 3 % heavy (154.50): waiting for a top-up."""
    note = _liquid_oxygen_note(chain, customer)
    _pay(chain, customer, paid)
    note = delivery_note_stamp(note=note, user=chain.finance)
    note = delivery_note_dispatch(
        note=note, user=chain.keeper, lines=chain.dispatch_lines(note, factor=Decimal("1.03"))
    )
    assert note.status == NoteStatus.AWAITING_TOPUP
    return note


def test_loading_above_what_was_covered_waits_for_a_top_up(chain, guard):
    customer = _prepaid()
    note = _topup_note(chain, customer)

    fresh = DeliveryNote.objects.get(pk=note.pk)
    assert (fresh.actual_value, fresh.covered_amount) == (Decimal("154.50"), Decimal("150.00"))
    assert credit_position(customer=customer).balance == Decimal("4.50")
    log = TransitionLog.objects.get(document_id=note.pk, transition="dispatch_over_coverage")
    assert (log.from_state, log.to_state, log.user) == ("stamped", "awaiting_topup", chain.keeper)
    assert log.comment == "actual 154.50 > covered 150.00"
    # The goods are loaded: stock is out, but the gate stops the truck.
    assert StockMove.objects.get(kind=MoveKind.DISPATCH).quantity == Decimal("-103")
    result = exit_pass_check(raw=note.pass_code, user=guard)
    assert (result.passed, result.reason) == (False, "awaiting_topup")


def test_restamp_refused_until_the_top_up_is_paid(chain, guard):
    customer = _prepaid()
    note = _topup_note(chain, customer)

    with pytest.raises(ApplicationError) as excinfo:
        delivery_note_restamp(note=note, user=chain.finance)
    assert excinfo.value.code == "not_covered"
    _pay(chain, customer, "4.49")
    with pytest.raises(ApplicationError):
        delivery_note_restamp(note=note, user=chain.finance)
    assert _status(note) == NoteStatus.AWAITING_TOPUP

    _pay(chain, customer, "0.01")
    delivery_note_restamp(note=note, user=chain.finance)

    fresh = DeliveryNote.objects.get(pk=note.pk)
    assert fresh.status == NoteStatus.DISPATCHED
    assert fresh.covered_amount == Decimal("154.50")
    assert exit_pass_check(raw=note.pass_code, user=guard).passed


def test_restamp_refused_for_a_credit_customer_over_the_limit(chain):
    # Credit customer: 150.00 covered within a 152.00 limit, 154.50 loaded.
    customer = _credit("152.00")
    note = _liquid_oxygen_note(chain, customer)
    note = delivery_note_stamp(note=note, user=chain.finance)
    note = delivery_note_dispatch(
        note=note, user=chain.keeper, lines=chain.dispatch_lines(note, factor=Decimal("1.03"))
    )
    assert note.status == NoteStatus.AWAITING_TOPUP

    with pytest.raises(ApplicationError) as excinfo:
        delivery_note_restamp(note=note, user=chain.finance)
    assert excinfo.value.code == "not_covered"

    _pay(chain, customer, "2.50")
    delivery_note_restamp(note=note, user=chain.finance)
    assert _status(note) == NoteStatus.DISPATCHED


def test_restamp_override_by_manager_with_reason(chain, guard):
    note = _topup_note(chain, _prepaid())

    delivery_note_restamp(note=note, user=chain.manager, override_reason="driver pays 4.50 cash")

    fresh = DeliveryNote.objects.get(pk=note.pk)
    assert fresh.status == NoteStatus.DISPATCHED
    assert (fresh.coverage, fresh.override_reason) == (Coverage.OVERRIDE, "driver pays 4.50 cash")
    assert (fresh.covered_amount, fresh.stamped_by) == (Decimal("154.50"), chain.manager)
    log = TransitionLog.objects.get(document_id=note.pk, transition="restamp_override")
    assert (log.from_state, log.to_state, log.comment) == (
        "awaiting_topup",
        "dispatched",
        "driver pays 4.50 cash",
    )
    assert exit_pass_check(raw=note.pass_code, user=guard).passed


def test_finance_cannot_override_a_restamp(chain):
    note = _topup_note(chain, _prepaid())

    with pytest.raises(PermissionDenied):
        delivery_note_restamp(note=note, user=chain.finance, override_reason="it's only 4.50")

    assert _status(note) == NoteStatus.AWAITING_TOPUP
