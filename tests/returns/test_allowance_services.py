"""Allowances: requested by a clerk, approved level by level by amount, the
final approval issues the credit note; every step logged."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from approvals.models import ApprovalLevel, ApprovalStep
from finance.models import CreditNote
from returns.enums import AllowanceStatus
from returns.services.allowances import (
    AllowanceLineInput,
    allowance_actions,
    allowance_approve,
    allowance_cancel,
    allowance_create,
    allowance_reject,
    allowance_submit,
)
from salesadmin.errors import ApplicationError, ConflictError
from salesadmin.models import TransitionLog
from tests.returns.world import ledger_balance

pytestmark = pytest.mark.django_db


def test_an_allowance_by_per_unit_reduction_on_chosen_lines(world):
    note = world.note()
    first, second, _third = note.lines.order_by("id")
    allowance = allowance_create(
        user=world.clerk,
        delivery_note=note,
        reason="late_delivery",
        customer_reference="ZR-7",
        lines=[
            AllowanceLineInput(note_line=first, unit_reduction=Decimal("2.50")),
            AllowanceLineInput(note_line=second, unit_reduction=Decimal("0.10")),
        ],
    )
    assert allowance.status == AllowanceStatus.DRAFT
    assert allowance.number.startswith("AL") and allowance.number.endswith("000001")
    # 10 × 2.50 + 100 × 0.10
    assert allowance.amount == Decimal("35.00")
    assert allowance.customer_id == note.customer_id


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"amount": "0"}, "invalid_amount"),
        ({"amount": "850.01"}, "over_value"),
        ({"customer_reference": ""}, "customer_reference_required"),
        ({"reason": "mood"}, "invalid_reason"),
    ],
)
def test_bad_requests_are_refused_naming_the_rule(world, kwargs, code):
    note = world.note()
    data = {"reason": "quality", "customer_reference": "ZR-1", "amount": "10", **kwargs}
    with pytest.raises(ApplicationError) as refused:
        allowance_create(user=world.clerk, delivery_note=note, **data)
    assert refused.value.code == code


def test_a_reduction_above_the_price_is_refused(world):
    note = world.note()
    with pytest.raises(ApplicationError) as refused:
        allowance_create(
            user=world.clerk,
            delivery_note=note,
            reason="quality",
            customer_reference="ZR-1",
            lines=[AllowanceLineInput(note_line=note.lines.first(), unit_reduction="30.01")],
        )
    assert refused.value.code == "invalid_amount"


def test_earlier_allowances_count_against_the_notes_value(world):
    note = world.note()
    world.allowance(note, amount="800.00", submit=False)
    with pytest.raises(ApplicationError) as refused:
        world.allowance(note, amount="50.01", submit=False)
    assert refused.value.code == "over_value"


def test_only_a_note_whose_goods_left(world):
    with pytest.raises(ApplicationError) as refused:
        world.allowance(world.chain.stamped(), amount="1")
    assert refused.value.code == "goods_not_delivered"


def test_within_the_department_heads_limit_one_approval_is_final(world):
    head = world.approver("department_head", "head")
    allowance = world.allowance(amount="500.00")
    assert allowance.waiting_level == ApprovalLevel.objects.get(code="department_head")
    assert allowance_actions(allowance, head) == ["approve", "reject", "cancel"]
    assert allowance_actions(allowance, world.clerk) == ["cancel"]
    approved = allowance_approve(allowance=allowance, user=head, comment="同意")
    assert approved.status == AllowanceStatus.APPROVED and approved.waiting_level is None
    credit = approved.credit_note
    assert credit.amount == Decimal("500.00") and credit.source_number == approved.number
    assert ledger_balance(approved.customer) == Decimal("350.00")


def test_beyond_a_limit_it_goes_level_by_level_and_every_step_is_logged(world):
    head = world.approver("department_head", "head")
    director = world.approver("sales_director", "director", limit=Decimal("3000.00"))
    gm = world.approver("general_manager", "gm")
    note = world.chain.dispatched(world.chain.stamped(world.chain.note(world.chain.order(["200"]))))
    allowance = world.allowance(note, amount="5000.00")
    allowance = allowance_approve(allowance=allowance, user=head, comment="部门同意")
    assert allowance.status == AllowanceStatus.SUBMITTED
    assert allowance.waiting_level.code == "sales_director"
    assert not CreditNote.objects.exists()
    # The department head may not act at the director's level.
    assert allowance_actions(allowance, head) == ["cancel"]
    with pytest.raises(PermissionDenied):
        allowance_approve(allowance=allowance, user=head)
    allowance = allowance_approve(allowance=allowance, user=director, comment="超出权限,报总经理")
    # Level by level: the deputy general manager is next; the general manager may act too.
    assert allowance.waiting_level.code == "deputy_general_manager"
    allowance = allowance_approve(allowance=allowance, user=gm, comment="批准")
    assert allowance.status == AllowanceStatus.APPROVED
    assert CreditNote.objects.get().amount == Decimal("5000.00")
    steps = ApprovalStep.objects.filter(document_type="allowance").order_by("id")
    assert [(s.user.username, s.decision) for s in steps] == [
        ("head", "forwarded"),
        ("director", "forwarded"),
        ("gm", "approved"),
    ]
    log = TransitionLog.objects.filter(document_type="allowance").order_by("id")
    assert [e.transition for e in log] == ["submit", "forward", "forward", "approve"]


def test_reject_needs_a_comment_and_frees_the_notes_value(world):
    head = world.approver("department_head", "head")
    note = world.note()
    allowance = world.allowance(note, amount="850.00")
    with pytest.raises(ApplicationError) as refused:
        allowance_reject(allowance=allowance, user=head, comment=" ")
    assert refused.value.code == "comment_required"
    # Beyond the head's limit, but a rejection at any level ends it.
    rejected = allowance_reject(allowance=allowance, user=head, comment="证据不足")
    assert rejected.status == AllowanceStatus.REJECTED
    assert ApprovalStep.objects.get().decision == "rejected"
    world.allowance(note, amount="850.00", submit=False)


def test_roles_and_states(world):
    head = world.approver("department_head", "head")
    allowance = world.allowance(submit=False)
    with pytest.raises(ConflictError):
        allowance_approve(allowance=allowance, user=head)
    with pytest.raises(PermissionDenied):
        allowance_submit(allowance=allowance, user=world.keeper)
    with pytest.raises(PermissionDenied):
        allowance_create(
            user=world.finance,
            delivery_note=allowance.delivery_note,
            reason="quality",
            customer_reference="x",
            amount="1",
        )
    allowance = allowance_submit(allowance=allowance, user=world.clerk)
    # A manager without an approval level may not approve.
    with pytest.raises(PermissionDenied):
        allowance_approve(allowance=allowance, user=world.manager)
    with pytest.raises(PermissionDenied):
        allowance_approve(allowance=allowance, user=world.clerk)
    cancelled = allowance_cancel(allowance=allowance, user=world.clerk, reason="客户撤回")
    assert cancelled.status == AllowanceStatus.CANCELLED
    with pytest.raises(ConflictError):
        allowance_approve(allowance=cancelled, user=head)
