from decimal import Decimal

from orders.enums import NoteStatus, OrderStatus
from orders.services.exit_pass import exit_pass_use


def test_one_note_goes_from_order_to_gate(chain, guard):
    order = chain.order()
    assert order.status == OrderStatus.APPROVED
    note = chain.dispatched(chain.stamped(chain.note(order)))
    result = exit_pass_use(raw=note.pass_code, user=guard, vehicle_plate="浙E12345")
    note.refresh_from_db()
    order.refresh_from_db()
    assert result.passed and note.status == NoteStatus.EXITED
    assert order.status == OrderStatus.COMPLETED
    assert note.value == Decimal("10") * 30 + Decimal("100") * Decimal("1.5") + 5 * 80
