"""Return applications through the service: each transition for the right role
in the right state, refused otherwise (403 role, 409 state, 400 naming the rule)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from finance.enums import EntryKind
from finance.models import CreditNote, ReceivableEntry
from inventory.enums import MoveKind
from inventory.models import BatchLevel, StockLevel, StockMove
from inventory.reservations import stock_reserve
from orders.enums import NoteStatus
from returns.enums import InspectionResult, ReturnCause, ReturnReason, ReturnStatus
from returns.services.return_applications import (
    InspectionInput,
    ReturnLineInput,
    return_application_approve,
    return_application_cancel,
    return_application_close,
    return_application_create,
    return_application_inspect,
    return_application_receive,
    return_application_reject,
    return_application_submit,
    returnable_quantities,
)
from salesadmin.errors import ApplicationError, ConflictError
from salesadmin.models import TransitionLog

pytestmark = pytest.mark.django_db


def _line(note, index=0):
    return list(note.lines.order_by("id"))[index]


# --- filing ---------------------------------------------------------------------------


def test_a_clerk_files_a_return_at_the_notes_price_with_a_gapless_number(world):
    note = world.note()
    first = world.filed(note, quantities=["2", "10", "0"])
    second = world.filed(note, quantities=["1", "0", "0"])
    assert first.status == ReturnStatus.DRAFT
    assert first.number.startswith("RT") and first.number.endswith("000001")
    assert second.number.endswith("000002")
    lines = list(first.lines.order_by("id"))
    assert [(ln.quantity, ln.unit_price, ln.amount) for ln in lines] == [
        (Decimal("2.000"), Decimal("30.00"), Decimal("60.00")),
        (Decimal("10.000"), Decimal("1.50"), Decimal("15.00")),
    ]
    assert first.total == Decimal("75.00")
    assert first.customer_id == note.customer_id and first.warehouse_id == note.warehouse_id
    assert lines[0].batch_id == world.chain.batches[lines[0].product_id].pk


def test_never_more_than_delivered_less_earlier_returns(world):
    note = world.note()
    world.filed(note, quantities=["8", "0", "0"])
    with pytest.raises(ApplicationError) as refused:
        world.filed(note, quantities=["3", "0", "0"])
    assert refused.value.code == "over_returnable"
    assert refused.value.extra["returnable"] == "2.000"
    world.filed(note, quantities=["2", "0", "0"])  # exactly what is left
    assert returnable_quantities(note)[_line(note).pk] == Decimal("0")


def test_rejected_and_cancelled_returns_give_their_quantity_back(world):
    note = world.note()
    application = world.filed(note, quantities=["10", "0", "0"])
    return_application_cancel(application=application, user=world.clerk, reason="客户撤回")
    rejected = world.inspected(world.submitted(world.filed(note, quantities=["10", "0", "0"])))
    return_application_reject(application=rejected, user=world.manager, comment="不属质量问题")
    assert returnable_quantities(note)[_line(note).pk] == Decimal("10")
    world.filed(note, quantities=["10", "0", "0"])


def test_returns_only_from_a_note_whose_goods_left(world):
    note = world.chain.stamped()
    assert note.status == NoteStatus.STAMPED
    with pytest.raises(ApplicationError) as refused:
        world.filed(note)
    assert refused.value.code == "goods_not_delivered"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"customer_document": " "}, "customer_document_required"),
        ({"quantity": Decimal("-1")}, "invalid_quantity"),
        ({"reason": "bored"}, "invalid_reason"),
    ],
)
def test_filing_refuses_bad_input_naming_the_rule(world, change, code):
    note = world.note()
    line = ReturnLineInput(
        note_line=_line(note),
        quantity=change.get("quantity", Decimal("1")),
        reason=change.get("reason", ReturnReason.DAMAGED),
    )
    with pytest.raises(ApplicationError) as refused:
        return_application_create(
            delivery_note=note,
            user=world.clerk,
            customer_document=change.get("customer_document", "TH-9"),
            lines=[line],
        )
    assert refused.value.code == code


def test_a_line_of_another_note_is_refused(world):
    note, other = world.note(), world.note()
    with pytest.raises(ApplicationError) as refused:
        return_application_create(
            delivery_note=note,
            user=world.clerk,
            customer_document="TH-9",
            lines=[ReturnLineInput(note_line=_line(other), quantity=1, reason="quality")],
        )
    assert refused.value.code == "line_not_on_note"


def test_only_a_clerk_files(world):
    note = world.note()
    for user in (world.keeper, world.inspector, world.finance):
        with pytest.raises(PermissionDenied):
            world.filed(note, user=user)


# --- the state machine ------------------------------------------------------------------


def test_submit_inspect_approve_by_their_roles_each_logged(world):
    application = world.filed()
    with pytest.raises(PermissionDenied):
        return_application_submit(application=application, user=world.inspector)
    application = world.submitted(application)
    assert application.status == ReturnStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        return_application_inspect(
            application=application,
            user=world.clerk,
            results=[InspectionInput(line=application.lines.get(), result="passed")],
        )
    application = world.inspected(application)
    assert application.status == ReturnStatus.INSPECTED
    line = application.lines.get()
    assert line.result == InspectionResult.PASSED and line.inspected_by == world.inspector
    with pytest.raises(PermissionDenied):
        return_application_approve(application=application, user=world.clerk, comment="")
    application = return_application_approve(application=application, user=world.manager)
    assert application.status == ReturnStatus.APPROVED
    log = TransitionLog.objects.filter(
        document_type="return_application", document_id=application.pk
    ).order_by("id")
    assert [(e.from_state, e.to_state) for e in log] == [
        ("draft", "submitted"),
        ("submitted", "inspected"),
        ("inspected", "approved"),
    ]
    assert [e.user for e in log] == [world.clerk, world.inspector, world.manager]


def test_wrong_state_is_a_conflict(world):
    application = world.filed()
    with pytest.raises(ConflictError) as refused:
        return_application_approve(application=application, user=world.manager)
    assert refused.value.code == "invalid_state"
    with pytest.raises(ConflictError):
        return_application_receive(application=application, user=world.keeper)
    with pytest.raises(ConflictError):
        world.inspected(application)


def test_inspection_needs_every_line_and_findings_on_failed_goods(world):
    application = world.submitted(quantities=["2", "10", "0"])
    first, second = application.lines.order_by("id")
    with pytest.raises(ApplicationError) as refused:
        return_application_inspect(
            application=application,
            user=world.inspector,
            results=[InspectionInput(line=first, result=InspectionResult.PASSED)],
        )
    assert refused.value.code == "not_inspected"
    with pytest.raises(ApplicationError) as refused:
        return_application_inspect(
            application=application,
            user=world.inspector,
            results=[
                InspectionInput(line=first, result=InspectionResult.PASSED),
                InspectionInput(line=second, result=InspectionResult.FAILED, findings=" "),
            ],
        )
    assert refused.value.code == "findings_required"
    application.refresh_from_db()
    assert application.status == ReturnStatus.SUBMITTED


def test_approving_a_failed_inspection_needs_a_comment(world):
    application = world.inspected(result=InspectionResult.FAILED)
    assert application.inspection_failed
    with pytest.raises(ApplicationError) as refused:
        return_application_approve(application=application, user=world.manager, comment=" ")
    assert refused.value.code == "comment_required"
    approved = return_application_approve(
        application=application, user=world.manager, comment="按报废处理"
    )
    assert approved.decision_comment == "按报废处理"


def test_a_rejection_needs_a_comment(world):
    application = world.inspected()
    with pytest.raises(ApplicationError) as refused:
        return_application_reject(application=application, user=world.manager, comment="")
    assert refused.value.code == "comment_required"
    rejected = return_application_reject(
        application=application, user=world.manager, comment="超过退货期限"
    )
    assert rejected.status == ReturnStatus.REJECTED
    with pytest.raises(ConflictError):
        return_application_receive(application=rejected, user=world.keeper)


def test_cancel_needs_a_reason_and_not_after_approval(world):
    application = world.filed()
    with pytest.raises(ApplicationError) as refused:
        return_application_cancel(application=application, user=world.clerk, reason="")
    assert refused.value.code == "reason_required"
    with pytest.raises(PermissionDenied):
        return_application_cancel(application=application, user=world.keeper, reason="x")
    approved = world.approved()
    with pytest.raises(ConflictError):
        return_application_cancel(application=approved, user=world.clerk, reason="x")


# --- receipt: stock and the credit note ------------------------------------------------------


def test_receipt_puts_passed_goods_back_as_saleable_stock_and_credits_the_customer(world):
    note = world.note()
    product = _line(note).product
    level = StockLevel.objects.get(product=product, warehouse=world.chain.warehouse)
    before = level.on_hand
    application = world.received(
        world.approved(world.inspected(world.submitted(world.filed(note))))
    )
    assert application.status == ReturnStatus.RECEIVED and application.received_by == world.keeper
    level.refresh_from_db()
    assert level.on_hand == before + 2
    move = StockMove.objects.get(kind=MoveKind.RETURN)
    assert (move.quantity, move.warehouse_id, move.reference) == (
        Decimal("2.000"),
        world.chain.warehouse.pk,
        application.number,
    )
    assert application.lines.get().stock_move_id == move.pk
    credit = application.credit_note
    assert credit.number.startswith("CN") and credit.number.endswith("000001")
    assert credit.amount == Decimal("60.00") and credit.customer_id == note.customer_id
    entry = ReceivableEntry.objects.get(kind=EntryKind.CREDIT_NOTE)
    assert entry.amount == Decimal("-60.00") and entry.reference == credit.number
    assert credit.lines.get().quantity == Decimal("2.000")


def test_failed_goods_go_to_the_held_location_and_are_never_available(world):
    note = world.note()
    product = _line(note).product
    application = world.inspected(
        world.submitted(world.filed(note)), result=InspectionResult.FAILED
    )
    application = return_application_approve(
        application=application, user=world.manager, comment="报废"
    )
    saleable = StockLevel.objects.get(product=product, warehouse=world.chain.warehouse)
    before = saleable.on_hand
    world.received(application)
    saleable.refresh_from_db()
    assert saleable.on_hand == before
    held_location = world.chain.warehouse.held_location
    held = StockLevel.objects.get(product=product, warehouse=held_location)
    assert held.on_hand == Decimal("2")
    assert BatchLevel.objects.get(product=product, warehouse=held_location).on_hand == 2
    # Nothing can be reserved (so no note issued) from the held location.
    with pytest.raises(ApplicationError) as refused:
        stock_reserve(
            product=product,
            warehouse=held_location,
            quantity=Decimal("1"),
            reference="X",
            user=world.clerk,
        )
    assert refused.value.code == "warehouse_held"
    from inventory.selectors import stock_overview

    row = stock_overview().get(pk=product.pk)
    assert row.available_total == saleable.on_hand - saleable.reserved
    assert row.held_total == Decimal("2")


def test_a_second_receipt_is_a_conflict_and_moves_nothing(world):
    application = world.received()
    with pytest.raises(ConflictError):
        return_application_receive(application=application, user=world.keeper)
    assert StockMove.objects.filter(kind=MoveKind.RETURN).count() == 1
    assert CreditNote.objects.count() == 1


def test_only_the_keeper_receives(world):
    application = world.approved()
    for user in (world.clerk, world.inspector, world.finance):
        with pytest.raises(PermissionDenied):
            return_application_receive(application=application, user=user)
    assert not StockMove.objects.filter(kind=MoveKind.RETURN).exists()


# --- closing: the cause found ------------------------------------------------------------------


def test_closing_needs_the_cause_the_responsible_and_the_action(world):
    application = world.received()

    def close(user, **changes):
        """Close with a complete finding, but for ``changes``."""
        finding = {
            "cause": ReturnCause.PRODUCTION,
            "responsible": "充装车间",
            "corrective_action": "加强出厂检验",
            **changes,
        }
        return return_application_close(application=application, user=user, **finding)

    with pytest.raises(ApplicationError) as refused:
        close(world.manager, responsible="")
    assert refused.value.code == "cause_required"
    with pytest.raises(ApplicationError) as refused:
        close(world.manager, cause="weather", responsible="x", corrective_action="y")
    assert refused.value.code == "invalid_cause"
    with pytest.raises(PermissionDenied):
        close(world.keeper)
    closed = close(world.clerk, cause_detail="阀门密封圈老化")
    assert closed.status == ReturnStatus.CLOSED
    assert (closed.cause, closed.responsible) == (ReturnCause.PRODUCTION, "充装车间")


def test_each_role_sees_only_its_next_action(world):
    from returns.services.return_applications import return_actions

    application = world.filed()
    assert return_actions(application, world.clerk) == ["submit", "cancel"]
    assert return_actions(application, world.inspector) == []
    application = world.submitted(application)
    assert return_actions(application, world.inspector) == ["inspect"]
    assert return_actions(application, world.keeper) == []
    application = world.inspected(application)
    assert return_actions(application, world.manager) == ["approve", "reject", "cancel"]
    application = world.approved(application)
    assert return_actions(application, world.keeper) == ["receive"]
    assert return_actions(application, world.manager) == []
    application = world.received(application)
    assert return_actions(application, world.manager) == ["close"]
    assert return_actions(application, world.keeper) == []
