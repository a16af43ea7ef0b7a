"""A transition saves the document once, guarded by the state it was read in,
and never loses a change (made before it, in place, or after a refresh)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import DeliveryNote, SalesOrder
from orders.services.delivery_notes import delivery_note_stamp
from salesadmin.transitions import run_transition

pytestmark = pytest.mark.django_db


def _updates(ctx, table: str) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith(f'UPDATE "{table}"')]


def test_a_stamp_writes_the_note_once_guarded_by_its_state(chain):
    note = chain.note()
    with CaptureQueriesContext(connection) as ctx:
        delivery_note_stamp(note=DeliveryNote(pk=note.pk), user=chain.finance)
    (sql,) = _updates(ctx, "orders_deliverynote")
    assert '"stamped_by_id"' in sql and '"covered_amount"' in sql
    # ConcurrentTransitionMixin: the row is written only if still in the state read
    assert '"orders_deliverynote"."status" = ' in sql.split(" WHERE ", 1)[1]
    note.refresh_from_db()
    assert note.status == "stamped" and note.stamped_by == chain.finance


def test_a_value_set_after_refresh_from_db_is_written(chain):
    # given an order read, changed by someone else, then refreshed
    order = SalesOrder.objects.get(pk=chain.order(prices=["1.00", None, None]).pk)
    original = order.remarks
    SalesOrder.objects.filter(pk=order.pk).update(remarks="changed elsewhere")
    order.refresh_from_db()
    # when the remarks are set back to what was first read and the order approved
    order.remarks = original
    run_transition(
        order, "approve", user=chain.manager, document_type="sales_order", **_decision(chain)
    )
    # then what was set is what is saved
    order.refresh_from_db()
    assert order.status == "approved" and order.remarks == original


def test_a_field_changed_before_the_transition_is_written(chain):
    note = chain.note()
    delivery_note_stamp(note=note, user=chain.manager, override_reason="老客户，经理担保")
    note.refresh_from_db()
    assert note.override_reason == "老客户，经理担保"


def test_a_value_saved_and_changed_back_is_written_back(chain):
    order = chain.order(prices=["1.00", None, None])  # waits for a manager
    order = SalesOrder.objects.get(pk=order.pk)
    original = order.remarks
    order.remarks = "changed"
    order.save(update_fields=["remarks"])
    order.remarks = original  # back to what was read, but not to what is saved
    run_transition(
        order, "approve", user=chain.manager, document_type="sales_order", **_decision(chain)
    )

    order.refresh_from_db()
    assert order.status == "approved" and order.remarks == original


def test_json_changed_in_place_is_written(chain):
    order = SalesOrder.objects.get(pk=chain.order(prices=["1.00", None, None]).pk)
    order.approval_reasons.append({"code": "below_list", "line": 9, "detail": "in place"})
    run_transition(
        order, "approve", user=chain.manager, document_type="sales_order", **_decision(chain)
    )

    order.refresh_from_db()
    assert order.approval_reasons[-1]["detail"] == "in place"


def _decision(chain) -> dict:
    from django.utils import timezone

    return {"by": chain.manager, "at": timezone.now(), "remark": ""}
