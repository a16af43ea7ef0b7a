"""The approval chain under parallel load, on PostgreSQL with real threads.

Every thread has its own connection and transaction, and a barrier starts them
together so they really contend for the same rows. The data is made in the
main thread first; the test is transactional, so it is committed and the
threads see it. Exactly one of many racers may win a transition, stock is never
promised twice, numbers are never shared, and the customer's coverage is
decided one stamp at a time.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from customers.enums import CreditTerms
from finance.enums import EntryKind
from finance.models import ReceivableEntry
from inventory.enums import MoveKind
from inventory.models import ReservationMove, StockLevel, StockMove
from orders.enums import NoteStatus
from orders.models import DeliveryNote, DispatchAllocation, GateCheck, GateExit
from orders.services.delivery_notes import IssueLine, delivery_note_issue, delivery_note_stamp
from orders.services.dispatch import delivery_note_dispatch
from orders.services.exit_pass import exit_pass_token, exit_pass_use
from salesadmin.clock import company_today
from salesadmin.models import TransitionLog
from salesadmin.roles import Role
from tests import racing
from tests.chain import Chain
from tests.factories import CustomerFactory, UserFactory
from tests.racing import errors, tally

# Real commits, so the threads see each other's row locks.
pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 16


def run_together(work, n: int = RACERS):
    return racing.run_together(work, n)


def staff(role: Role, n: int = RACERS) -> list[int]:
    """``n`` users holding ``role``; their ids (each thread loads its own instance)."""
    return [UserFactory(username=f"{role}{i}", roles=[role]).pk for i in range(n)]


def user(pk: int):
    return get_user_model().objects.get(pk=pk)


def note(pk: int) -> DeliveryNote:
    return DeliveryNote.objects.get(pk=pk)


# --- one document, many racers --------------------------------------------------


def test_racing_stamps_of_one_note_stamp_it_once(chain):
    issued = chain.note()
    racers = staff(Role.FINANCE)

    outcomes = run_together(
        lambda i: delivery_note_stamp(note=note(issued.pk), user=user(racers[i]))
    )

    assert errors(outcomes) == []
    assert tally(outcomes) == {"ok": 1, "conflict": RACERS - 1}
    winner = next(result for kind, result in outcomes if kind == "ok")
    stamped = note(issued.pk)
    assert stamped.status == NoteStatus.STAMPED
    assert stamped.stamped_by_id == winner.stamped_by_id
    logs = TransitionLog.objects.filter(document_id=issued.pk, transition="stamp")
    assert logs.count() == 1
    assert logs.get().user_id == winner.stamped_by_id


def test_racing_dispatches_of_one_note_move_stock_once(chain):
    stamped = chain.stamped()
    racers = staff(Role.WAREHOUSE_KEEPER)

    def work(i):
        mine = note(stamped.pk)
        return delivery_note_dispatch(
            note=mine, user=user(racers[i]), lines=chain.dispatch_lines(mine)
        )

    outcomes = run_together(work)

    assert errors(outcomes) == []
    assert tally(outcomes) == {"ok": 1, "conflict": RACERS - 1}
    assert note(stamped.pk).status == NoteStatus.DISPATCHED
    # Three lines: three moves out, once each
    moves = StockMove.objects.filter(kind=MoveKind.DISPATCH).order_by("product_id")
    assert [m.quantity for m in moves] == [Decimal("-10"), Decimal("-100"), Decimal("-5")]
    levels = StockLevel.objects.filter(warehouse=chain.warehouse).order_by("product_id")
    assert [(lv.on_hand, lv.reserved) for lv in levels] == [
        (Decimal("990"), 0),
        (Decimal("900"), 0),
        (Decimal("995"), 0),
    ]
    assert DispatchAllocation.objects.count() == 3
    assert ReceivableEntry.objects.filter(kind=EntryKind.CHARGE).count() == 1
    assert TransitionLog.objects.filter(transition="dispatch").count() == 1


@pytest.mark.parametrize("scan", ["short_code", "qr_token"])
def test_racing_guards_let_one_truck_out_once(chain, scan):
    dispatched = chain.dispatched()
    raw = dispatched.pass_code if scan == "short_code" else exit_pass_token(dispatched)
    racers = staff(Role.GATE_GUARD)

    outcomes = run_together(
        lambda i: exit_pass_use(raw=raw, user=user(racers[i]), vehicle_plate="浙E12345")
    )

    assert errors(outcomes) == []
    results = [result for kind, result in outcomes if kind == "ok"]
    assert len(results) == RACERS
    assert sum(r.passed for r in results) == 1
    assert Counter(r.reason for r in results if not r.passed) == {"used": RACERS - 1}
    assert note(dispatched.pk).status == NoteStatus.EXITED
    assert GateExit.objects.count() == 1
    assert GateCheck.objects.filter(passed=True).count() == 1
    assert GateCheck.objects.count() == RACERS
    assert TransitionLog.objects.filter(transition="exit").count() == 1


# --- stock and numbers ---------------------------------------------------------------


@pytest.fixture
def scarce(clerk, finance, keeper, manager):
    """The chain's world with only 10 of each product in stock."""
    return Chain(clerk=clerk, finance=finance, keeper=keeper, manager=manager, stock="10")


def _issue_one(chain, order):
    line = order.lines.get()
    return delivery_note_issue(
        order=order,
        user=chain.clerk,
        warehouse=chain.warehouse,
        lines=[IssueLine(order_line=line, quantity=Decimal("1"))],
    )


def test_notes_racing_for_the_last_units_never_promise_more_than_on_hand(scarce):
    # Given 10 cylinders in stock and 16 approved orders for one each
    orders = [scarce.order(("1",)) for _ in range(RACERS)]
    year = company_today().year

    # When 16 clerks issue a note for each at the same moment
    outcomes = run_together(lambda i: _issue_one(scarce, orders[i]))

    # Then 10 notes are issued and 6 refused; the reservations match the stock
    assert errors(outcomes) == []
    assert tally(outcomes) == {"ok": 10, "insufficient": 6}
    level = StockLevel.objects.get(product=scarce.products[0], warehouse=scarce.warehouse)
    assert (level.on_hand, level.reserved) == (Decimal("10"), Decimal("10"))
    assert level.reserved <= level.on_hand
    assert ReservationMove.objects.filter(product=scarce.products[0]).count() == 10
    assert DeliveryNote.objects.count() == 10
    # And the refused notes left no gap in the numbers
    numbers = sorted(DeliveryNote.objects.values_list("number", flat=True))
    assert numbers == [f"DN{year}-{n:06d}" for n in range(1, 11)]


@pytest.mark.parametrize("racers", [2, RACERS])
def test_concurrent_issues_never_share_a_number(chain, racers):
    orders = [chain.order(("1",)) for _ in range(racers)]
    year = company_today().year

    outcomes = run_together(lambda i: _issue_one(chain, orders[i]), n=racers)

    assert errors(outcomes) == []
    assert tally(outcomes) == {"ok": racers}
    numbers = sorted(result.number for _, result in outcomes)
    assert numbers == [f"DN{year}-{n:06d}" for n in range(1, racers + 1)]
    assert sorted(DeliveryNote.objects.values_list("number", flat=True)) == numbers
    assert TransitionLog.objects.filter(transition="issue").count() == racers


# --- one customer's coverage -------------------------------------------------------


@pytest.mark.parametrize(
    ("racers", "covered"),
    [pytest.param(2, 1, id="two-notes-room-for-one"), pytest.param(RACERS, 5, id="16-for-5")],
)
def test_stamps_of_one_customers_notes_share_the_limit_one_at_a_time(chain, racers, covered):
    # Given a credit customer whose limit covers ``covered`` notes of 300.00
    customer = CustomerFactory(
        credit_terms=CreditTerms.MONTHLY, credit_limit=Decimal("300.00") * covered
    )
    notes = [chain.note(chain.order(("10",), customer=customer)) for _ in range(racers)]
    assert {n.value for n in notes} == {Decimal("300.00")}
    finance_users = staff(Role.FINANCE, racers)

    # When finance stamps every note at once
    outcomes = run_together(
        lambda i: delivery_note_stamp(note=note(notes[i].pk), user=user(finance_users[i])),
        n=racers,
    )

    # Then only as many as the limit covers are stamped; the others are not covered
    assert errors(outcomes) == []
    assert tally(outcomes) == {"ok": covered, "refused": racers - covered}
    assert {exc.code for kind, exc in outcomes if kind == "refused"} == {"not_covered"}
    stamped = DeliveryNote.objects.filter(customer=customer, status=NoteStatus.STAMPED)
    assert stamped.count() == covered
    assert sum(n.covered_amount for n in stamped) <= customer.credit_limit
