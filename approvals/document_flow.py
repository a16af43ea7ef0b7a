"""A document's steps on the approval levels (逐级审批): approve (final, or
forwarded to the next level) and reject, each logged as an approval step and
run as the document's own transition.

The documents (allowances, samples, non-sale requests) declare their own
``approve``, ``forward`` and ``reject`` transitions, a ``waiting_level`` and a
``decision_comment``; the caller holds the document's row lock.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.db import models

from approvals.models import ApprovalLevel
from approvals.services import approval_step_record, approver_for, may_act_at
from salesadmin.errors import ApplicationError
from salesadmin.transitions import (
    check_state_and_role,
    check_transition,
    run_signed,
    run_transition,
)

DECISIONS = ("approve", "reject")


def approve_at_level(
    document: models.Model,
    *,
    user,
    document_type: str,
    amount: Decimal,
    comment: str = "",
    final_from: ApprovalLevel | None = None,
    on_final: Callable[[], dict] | None = None,
):
    """One approver's approval: final within their authority (the amount
    against their limit; ``final_from``: a level the rule needs whatever the
    amount), else the document goes on to the next level. ``on_final`` does
    the final approval's work (a credit note) and returns the approve
    transition's extra arguments."""
    check_transition(document, "approve", user=user)
    comment = (comment or "").strip()[:300]
    step = _step_record(
        document,
        user=user,
        document_type=document_type,
        amount=amount,
        approve=True,
        comment=comment,
        final_from=final_from,
    )
    if not step.final:
        return run_transition(
            document,
            "forward",
            user=user,
            document_type=document_type,
            comment=comment,
            level=step.next_level,
        )
    document.decision_comment = comment
    extra = on_final() if on_final is not None else {}
    return run_signed(
        document,
        "approve",
        user=user,
        document_type=document_type,
        comment=comment,
        **extra,
    )


def reject_at_level(
    document: models.Model, *, user, document_type: str, amount: Decimal, comment: str
):
    """A rejection at the level the document waits at: it needs a comment."""
    check_state_and_role(document, "reject", user=user)
    document.decision_comment = (comment or "").strip()[:300]
    if not document.decision_comment:
        rule = type(document).has_decision_comment
        raise ApplicationError(str(rule.message), code=rule.code)
    _step_record(
        document,
        user=user,
        document_type=document_type,
        amount=amount,
        approve=False,
        comment=document.decision_comment,
    )
    return run_signed(
        document,
        "reject",
        user=user,
        document_type=document_type,
        comment=document.decision_comment,
    )


def _step_record(document: models.Model, *, document_type: str, **step):
    """The approval step of the user's decision on the document, at the level it waits at."""
    return approval_step_record(
        document_type=document_type,
        document_id=document.pk,
        document_number=document.number,
        waiting=document.waiting_level,
        **step,
    )


def without_decisions_above(names: list[str], document: models.Model, user) -> list[str]:
    """The actions less approving and rejecting when the document waits at a
    level above the user's."""
    if any(n in DECISIONS for n in names) and not may_act_at(
        approver_for(user), document.waiting_level
    ):
        return [n for n in names if n not in DECISIONS]
    return names
