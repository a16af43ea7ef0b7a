"""The transition log: every state change of every document, append-only."""

from __future__ import annotations

from decimal import Decimal

import psycopg.errors
import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, transaction

from orders.services.delivery_notes import delivery_note_cancel
from orders.services.exit_pass import exit_pass_use
from orders.services.sales_orders import sales_order_reject
from salesadmin.models import TransitionLog

pytestmark = pytest.mark.django_db


def _rows(document_type: str, document_id: int) -> list[tuple]:
    return list(
        TransitionLog.objects.filter(document_type=document_type, document_id=document_id)
        .order_by("at", "id")
        .values_list(
            "document_number", "transition", "from_state", "to_state", "user__username", "comment"
        )
    )


def _assert_refused_by_trigger(excinfo, operation: str) -> None:
    assert isinstance(excinfo.value, IntegrityError)
    assert isinstance(excinfo.value, DatabaseError)
    assert isinstance(excinfo.value.__cause__, psycopg.errors.RestrictViolation)
    assert f"{operation} is not allowed" in str(excinfo.value)


@pytest.fixture
def log_row(chain):
    chain.order()
    return TransitionLog.objects.filter(document_type="sales_order").first()


def test_a_log_row_cannot_be_updated(log_row):
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        TransitionLog.objects.filter(pk=log_row.pk).update(to_state="cancelled")

    _assert_refused_by_trigger(excinfo, "UPDATE")
    assert TransitionLog.objects.get(pk=log_row.pk).to_state == log_row.to_state


def test_a_log_row_cannot_be_saved_over(log_row, manager):
    log_row.user = manager
    log_row.comment = "rewritten history"

    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        log_row.save()

    _assert_refused_by_trigger(excinfo, "UPDATE")
    assert TransitionLog.objects.get(pk=log_row.pk).comment == ""


@pytest.mark.parametrize("how", ["instance", "queryset"])
def test_a_log_row_cannot_be_deleted(log_row, how):
    count = TransitionLog.objects.count()

    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        if how == "instance":
            log_row.delete()
        else:
            TransitionLog.objects.all().delete()

    _assert_refused_by_trigger(excinfo, "DELETE")
    assert TransitionLog.objects.count() == count


def test_a_note_lifecycle_is_logged_in_order_with_who_did_it(chain, guard):
    order = chain.order()
    note = chain.note(order)
    chain.dispatched(chain.stamped(note))
    exit_pass_use(raw=note.pass_code, user=guard, vehicle_plate="浙E12345")

    assert _rows("delivery_note", note.pk) == [
        (note.number, "issue", "", "issued", "clerk", ""),
        (note.number, "stamp", "issued", "stamped", "finance", "credit"),
        (note.number, "dispatch", "stamped", "dispatched", "keeper", ""),
        (note.number, "exit", "dispatched", "exited", "guard", "浙E12345"),
    ]
    assert _rows("sales_order", order.pk) == [
        (order.number, "submit", "draft", "submitted", "clerk", ""),
        (
            order.number,
            "approve_automatically",
            "submitted",
            "approved",
            "clerk",
            "auto: prices and credit within rules",
        ),
        # The dispatch completes the order, as the keeper's action
        (order.number, "complete", "approved", "completed", "keeper", ""),
    ]
    rows = TransitionLog.objects.filter(document_id=note.pk, document_type="delivery_note")
    times = [row.at for row in rows.order_by("id")]
    assert times == sorted(times)


def test_refused_actions_leave_no_log_row(chain):
    note = chain.note(chain.order())
    count = TransitionLog.objects.count()

    with pytest.raises(PermissionDenied):
        delivery_note_cancel(note=note, user=chain.keeper, reason="not mine to cancel")

    assert TransitionLog.objects.count() == count


def test_comments_are_kept_for_decisions_and_cancellations(chain):
    waiting = chain.order(("1",), prices=[Decimal("28.00")])
    sales_order_reject(order=waiting, user=chain.manager, comment="below list")
    note = chain.note(chain.order())
    delivery_note_cancel(note=note, user=chain.clerk, reason="customer called")

    assert _rows("sales_order", waiting.pk)[-1][1:] == (
        "reject",
        "submitted",
        "rejected",
        "manager",
        "below list",
    )
    assert _rows("delivery_note", note.pk)[-1][1:] == (
        "cancel",
        "issued",
        "cancelled",
        "clerk",
        "customer called",
    )
