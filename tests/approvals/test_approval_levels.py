"""Approval levels: who may approve how much, level by level."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from approvals.models import ApprovalAssignment, ApprovalDecision, ApprovalLevel, ApprovalStep
from approvals.services import approval_step_record, approver_for, next_approver_level
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def level(code):
    return ApprovalLevel.objects.get(code=code)


def assigned(code, name, limit=None):
    user = UserFactory(username=name)
    ApprovalAssignment.objects.create(user=user, level=level(code), personal_limit=limit)
    return user


def step(document_id: int, *, amount: str, waiting, user, approve: bool, comment: str = ""):
    """One decision on test document T-<id> of type "t"."""
    return approval_step_record(
        document_type="t",
        document_id=document_id,
        document_number=f"T-{document_id}",
        amount=Decimal(amount),
        waiting=waiting,
        user=user,
        approve=approve,
        comment=comment,
    )


def test_the_levels_of_the_design_exist_in_rank_order():
    assert list(ApprovalLevel.objects.values_list("code", flat=True)) == [
        "department_head",
        "sales_director",
        "deputy_general_manager",
        "general_manager",
    ]
    assert level("general_manager").limit is None


def test_next_approver_level_goes_up_only_beyond_the_limit():
    head, director, gm = (
        level(c) for c in ("department_head", "sales_director", "general_manager")
    )
    assert next_approver_level(amount=Decimal("5"), current=None) == head
    assert next_approver_level(amount=Decimal("2000.00"), current=head) is None
    assert next_approver_level(amount=Decimal("2000.01"), current=head) == director
    deputy = level("deputy_general_manager")
    assert next_approver_level(amount=Decimal("1000000"), current=director) == deputy
    assert next_approver_level(amount=Decimal("1000000"), current=deputy) == gm
    assert next_approver_level(amount=Decimal("1000000"), current=gm) is None


def test_a_personal_limit_replaces_the_levels():
    user = assigned("department_head", "lin", limit=Decimal("500.00"))
    assert approver_for(user).limit == Decimal("500.00")
    assert approver_for(assigned("department_head", "wu")).limit == Decimal("2000.00")
    assert approver_for(UserFactory(username="nobody")) is None


def test_a_step_beyond_the_limit_goes_on_and_every_step_is_logged():
    head = assigned("department_head", "head")
    gm = assigned("general_manager", "gm")
    first = step(
        1,
        amount="3000.00",
        waiting=level("department_head"),
        user=head,
        approve=True,
        comment="同意",
    )
    assert not first.final and first.next_level == level("sales_director")
    # A higher level may act on what waits below it; no limit: final.
    second = step(1, amount="3000.00", waiting=first.next_level, user=gm, approve=True)
    assert second.final
    steps = ApprovalStep.objects.filter(document_type="t", document_id=1).order_by("id")
    assert [(s.user, s.decision, s.comment) for s in steps] == [
        (head, ApprovalDecision.FORWARDED, "同意"),
        (gm, ApprovalDecision.APPROVED, ""),
    ]


def test_a_lower_level_may_not_act_on_what_waits_higher():
    head = assigned("department_head", "head")
    with pytest.raises(PermissionDenied):
        step(2, amount="3000.00", waiting=level("sales_director"), user=head, approve=True)
    assert not ApprovalStep.objects.exists()


def test_the_step_log_is_append_only():
    head = assigned("department_head", "head")
    result = step(
        3,
        amount="1.00",
        waiting=level("department_head"),
        user=head,
        approve=False,
        comment="不同意",
    )
    assert result.final and result.step.decision == ApprovalDecision.REJECTED
    with pytest.raises(IntegrityError), transaction.atomic():
        ApprovalStep.objects.filter(pk=result.step.pk).update(comment="changed")
