"""Request reports (请示报告单): accountant, manager, deputy general manager, the slip."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from approvals.models import ApprovalStep
from orders.enums import NoteKind, NoteStatus
from orders.services.delivery_notes import delivery_note_stamp
from outbound.enums import RequestStatus
from outbound.services.requests import (
    non_sale_request_approve,
    non_sale_request_cancel,
    non_sale_request_check,
    non_sale_request_create,
    non_sale_request_endorse,
    non_sale_request_issue_slip,
    non_sale_request_reject,
    request_actions,
)
from returns.services.allowances import allowance_create
from returns.services.return_applications import ReturnLineInput, return_application_create
from salesadmin.errors import ApplicationError, ConflictError

pytestmark = pytest.mark.django_db


def test_the_request_goes_accountant_manager_deputy_general_manager(world):
    request = world.request(upto="submitted")
    assert request.status == RequestStatus.SUBMITTED
    assert request_actions(request, world.finance) == ["check"]
    request = non_sale_request_check(request=request, user=world.finance, opinion="可列入广告费")
    assert request.status == RequestStatus.CHECKED and request.checked_by == world.finance
    request = non_sale_request_endorse(request=request, user=world.chain.manager, opinion="同意")
    assert request.status == RequestStatus.ENDORSED
    assert request.waiting_level.code == "deputy_general_manager"
    # A department head or the sales director is below the deputy general manager.
    for user in (world.head, world.director):
        with pytest.raises(PermissionDenied):
            non_sale_request_approve(request=request, user=user)
        assert "approve" not in request_actions(request, user)
    request = non_sale_request_approve(request=request, user=world.deputy, comment="批准")
    assert request.status == RequestStatus.APPROVED
    steps = ApprovalStep.objects.filter(document_type="non_sale_request")
    assert [(s.user.username, s.decision) for s in steps] == [("deputy", "approved")]


def test_above_the_deputys_limit_the_general_manager_decides(world):
    deputy = world.approver("deputy_general_manager", "small_deputy", limit=Decimal("10.00"))
    request = non_sale_request_approve(request=world.request(upto="endorsed"), user=deputy)
    assert request.status == RequestStatus.ENDORSED
    assert request.waiting_level.code == "general_manager"
    request = non_sale_request_approve(request=request, user=world.gm)
    assert request.status == RequestStatus.APPROVED


def test_each_opinion_is_required_and_given_by_its_role(world):
    request = world.request(upto="submitted")
    with pytest.raises(ApplicationError) as refused:
        non_sale_request_check(request=request, user=world.finance, opinion="")
    assert refused.value.code == "opinion_required"
    for user in (world.clerk, world.keeper, world.chain.manager):
        with pytest.raises(PermissionDenied):
            non_sale_request_check(request=request, user=user, opinion="x")
    request = non_sale_request_check(request=request, user=world.finance, opinion="ok")
    for user in (world.clerk, world.finance, world.keeper):
        with pytest.raises(PermissionDenied):
            non_sale_request_endorse(request=request, user=user, opinion="x")
    with pytest.raises(ConflictError):
        non_sale_request_approve(request=request, user=world.deputy)


def test_purpose_and_reason_are_required(world):
    def create(user, purpose):
        return non_sale_request_create(
            user=user,
            purpose=purpose,
            recipient="x",
            reason="y",
            department="市场部",
            warehouse=world.chain.warehouse,
            lines=world.lines(["1"]),
        )

    for purpose in ("sample", "sale", ""):
        with pytest.raises(ApplicationError) as refused:
            create(world.clerk, purpose)
        assert refused.value.code == "invalid_purpose"
    with pytest.raises(PermissionDenied):
        create(world.finance, "gift")


def test_a_rejection_needs_a_comment(world):
    request = world.request(upto="endorsed")
    with pytest.raises(ApplicationError):
        non_sale_request_reject(request=request, user=world.deputy, comment="")
    request = non_sale_request_reject(request=request, user=world.deputy, comment="预算不足")
    assert request.status == RequestStatus.REJECTED
    with pytest.raises(ConflictError):
        non_sale_request_issue_slip(request=request, user=world.clerk)


def test_the_slip_states_the_purpose_and_needs_no_finance_stamp(world):
    request, note = world.request_slip()
    assert note.kind == NoteKind.NON_SALE and note.status == NoteStatus.STAMPED
    assert note.customer_id is None and note.value == Decimal("69.00")  # 2 × 12 + 1 × 45
    # Finance never stamps it (nothing to cover), nor may a return or an allowance touch it.
    with pytest.raises(ApplicationError) as refused:
        delivery_note_stamp(note=note, user=world.finance)
    assert refused.value.code in ("not_a_sale", "invalid_state")
    note = world.exited(note)
    assert note.status == NoteStatus.EXITED
    line = note.lines.first()
    with pytest.raises(ApplicationError) as refused:
        return_application_create(
            delivery_note=note,
            user=world.clerk,
            customer_document="TH-1",
            lines=[ReturnLineInput(note_line=line, quantity=Decimal("1"), reason="quality")],
        )
    assert refused.value.code == "not_a_sale"
    with pytest.raises(ApplicationError) as refused:
        allowance_create(
            user=world.clerk,
            delivery_note=note,
            reason="quality",
            customer_reference="x",
            amount="1",
        )
    assert refused.value.code == "not_a_sale"


def test_a_stamp_on_an_issued_non_sale_note_is_refused_for_what_it_is(world):
    from orders.models import DeliveryNote

    _, note = world.request_slip()
    # Even at the issued state (before the release), the stamp is not the way out.
    DeliveryNote.objects.filter(pk=note.pk).update(status=NoteStatus.ISSUED)
    note.refresh_from_db()
    with pytest.raises(ApplicationError) as refused:
        delivery_note_stamp(note=note, user=world.finance)
    assert refused.value.code == "not_a_sale"


def test_cancel_before_the_slip(world):
    request = world.request(upto="checked")
    request = non_sale_request_cancel(request=request, user=world.clerk, reason="活动取消")
    assert request.status == RequestStatus.CANCELLED
