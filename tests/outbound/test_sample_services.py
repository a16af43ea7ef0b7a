"""Samples (样件申请表): the 5 × 10 rule, level by level, the slip and the outcome."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from approvals.models import ApprovalStep
from inventory.models import StockLevel
from orders.enums import NoteKind, NoteStatus
from orders.services.delivery_notes import delivery_note_cancel, delivery_note_expire_if_stale
from outbound.enums import SampleStatus
from outbound.services.samples import (
    sample_actions,
    sample_application_approve,
    sample_application_cancel,
    sample_application_create,
    sample_application_issue_slip,
    sample_application_record_outcome,
    sample_application_reject,
)
from salesadmin.errors import ApplicationError, ConflictError
from salesadmin.models import TransitionLog

pytestmark = pytest.mark.django_db


def test_within_five_specifications_and_ten_pieces_the_department_head_decides(world):
    application = world.sample(("10", "", "10"))
    assert application.status == SampleStatus.SUBMITTED
    assert application.waiting_level.code == "department_head"
    assert not application.needs_director
    assert application.total_cost == Decimal("570.00")  # 10 × 12 + 10 × 45, at cost

    approved = sample_application_approve(application=application, user=world.head, comment="同意")

    assert approved.status == SampleStatus.APPROVED and approved.waiting_level is None
    steps = ApprovalStep.objects.filter(document_type="sample_application")
    assert [(s.user.username, s.decision) for s in steps] == [("head", "approved")]


@pytest.mark.parametrize("quantities", [("11",), ("3", "", "")])
def test_beyond_ten_pieces_or_a_tool_the_head_sends_it_on_to_the_director(world, quantities):
    if quantities == ("3", "", ""):
        world.products[0].is_tool = True
        world.products[0].save(update_fields=["is_tool"])
    application = world.sample(quantities)
    assert application.needs_director

    application = sample_application_approve(application=application, user=world.head)

    assert application.status == SampleStatus.SUBMITTED
    assert application.waiting_level.code == "sales_director"
    # The head may not act at the director's level any more, in the service or the buttons.
    assert "approve" not in sample_actions(application, world.head)
    with pytest.raises(PermissionDenied):
        sample_application_approve(application=application, user=world.head)
    application = sample_application_approve(application=application, user=world.director)
    assert application.status == SampleStatus.APPROVED
    steps = ApprovalStep.objects.filter(document_type="sample_application").order_by("id")
    assert [(s.user.username, s.decision) for s in steps] == [
        ("head", "forwarded"),
        ("director", "approved"),
    ]


def test_more_than_five_specifications_need_the_director(world):
    from tests.factories import ProductFactory

    world.products.extend(ProductFactory(sku=f"T-X{i}") for i in range(3))
    application = world.sample(("1",) * 6, submit=False)
    assert application.needs_director


def test_the_director_may_decide_at_once_what_the_head_could(world):
    application = sample_application_approve(application=world.sample(), user=world.director)
    assert application.status == SampleStatus.APPROVED


def test_above_the_approvers_money_limit_it_goes_on_too(world):
    head = world.approver("department_head", "small_head", limit=Decimal("50.00"))
    application = sample_application_approve(application=world.sample(("5",)), user=head)
    assert application.waiting_level.code == "sales_director"


def test_wrong_roles_and_people_are_refused(world, keeper, guard):
    application = world.sample()
    for user in (world.clerk, keeper, guard, world.finance):
        with pytest.raises(PermissionDenied):
            sample_application_approve(application=application, user=user)
    # A manager without an approval level is not an approver.
    with pytest.raises(PermissionDenied):
        sample_application_approve(application=application, user=world.chain.manager)
    with pytest.raises(PermissionDenied):
        sample_application_create(
            user=guard, department="x", warehouse=world.chain.warehouse, lines=world.lines(["1"])
        )


def test_a_customer_or_a_prospect_and_lines_are_required(world):
    with pytest.raises(ApplicationError) as refused:
        sample_application_create(
            user=world.clerk,
            department="市场部",
            warehouse=world.chain.warehouse,
            lines=world.lines(["1"]),
        )
    assert refused.value.code == "recipient_required"
    with pytest.raises(ApplicationError) as refused:
        sample_application_create(
            user=world.clerk,
            department="市场部",
            warehouse=world.chain.warehouse,
            lines=[],
            prospect_name="某公司",
        )
    assert refused.value.code == "no_lines"
    application = world.sample(customer=world.chain.customer)
    assert application.customer == world.chain.customer and application.prospect_name == ""


def test_a_rejection_needs_a_comment_and_is_final(world):
    application = world.sample()
    with pytest.raises(ApplicationError) as refused:
        sample_application_reject(application=application, user=world.head, comment=" ")
    assert refused.value.code == "comment_required"
    application = sample_application_reject(
        application=application, user=world.head, comment="不需要"
    )
    assert application.status == SampleStatus.REJECTED
    with pytest.raises(ConflictError):
        sample_application_approve(application=application, user=world.head)
    with pytest.raises(ConflictError):
        sample_application_issue_slip(application=application, user=world.clerk)


def test_the_slip_is_a_sample_note_released_without_a_stamp_and_stock_reserved(world):
    application, note = world.sample_slip()

    assert note.kind == NoteKind.SAMPLE and note.status == NoteStatus.STAMPED
    assert note.order_id is None and note.customer_id is None
    assert note.value == Decimal("126.00")  # 3 × 12 + 2 × 45
    level = StockLevel.objects.get(product=world.products[0], warehouse=world.chain.warehouse)
    assert level.reserved == Decimal("3")
    log = TransitionLog.objects.filter(document_type="delivery_note", document_id=note.pk)
    assert [(r.transition, r.comment) for r in log.order_by("id")] == [
        ("issue", application.number),
        ("release", application.number),
    ]
    # One live slip at a time.
    with pytest.raises(ApplicationError) as refused:
        sample_application_issue_slip(application=application, user=world.clerk)
    assert refused.value.code == "slip_live"


def test_an_expired_or_cancelled_slip_may_be_replaced(world, monkeypatch):
    application, note = world.sample_slip()
    delivery_note_cancel(note=note, user=world.clerk, reason="车辆未到")
    level = StockLevel.objects.get(product=world.products[0], warehouse=world.chain.warehouse)
    assert level.reserved == Decimal("0")
    application = sample_application_issue_slip(application=application, user=world.clerk)
    assert application.note != note and application.note.status == NoteStatus.STAMPED
    assert delivery_note_expire_if_stale(note=application.note) is False


def test_the_outcome_is_recorded_only_after_the_goods_left(world):
    application, note = world.sample_slip()
    with pytest.raises(ApplicationError) as refused:
        sample_application_record_outcome(
            application=application, user=world.clerk, outcome="ordered"
        )
    assert refused.value.code == "goods_not_delivered"
    world.exited(note)
    with pytest.raises(ApplicationError) as refused:
        sample_application_record_outcome(application=application, user=world.clerk, outcome="")
    assert refused.value.code == "outcome_required"
    with pytest.raises(PermissionDenied):
        sample_application_record_outcome(
            application=application, user=world.keeper, outcome="ordered"
        )
    application = sample_application_record_outcome(
        application=application, user=world.clerk, outcome="ordered", remarks="已下订单"
    )
    assert application.status == SampleStatus.CLOSED and application.outcome_by == world.clerk


def test_cancel_needs_a_reason_and_no_live_slip(world):
    application, note = world.sample_slip()
    with pytest.raises(ApplicationError) as refused:
        sample_application_cancel(application=application, user=world.clerk, reason="客户取消")
    assert refused.value.code == "slip_live"
    delivery_note_cancel(note=note, user=world.clerk, reason="客户取消")
    with pytest.raises(ApplicationError) as refused:
        sample_application_cancel(application=application, user=world.clerk, reason="")
    assert refused.value.code == "reason_required"
    application = sample_application_cancel(
        application=application, user=world.clerk, reason="客户取消"
    )
    assert application.status == SampleStatus.CANCELLED
