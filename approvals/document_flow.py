"""A document's steps on the approval levels (逐级审批): approve (final, or
forwarded to the next level) and reject, each logged as an approval step and
run as the document's own transition.

The documents (allowances, samples, non-sale requests) declare their own
``approve``, ``forward`` and ``reject`` transitions, a ``waiting_level`` and a
``decision_comment``; the caller holds the document's row lock. A formal
contract's review (orders/services/contract_review.py) runs the same steps
through ``approval_run`` and ``rejection_run`` with its own transitions, its
own waiting level and a check (核对) before the approval.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import models

from approvals.models import ApprovalLevel
from approvals.services import (
    approval_check_record,
    approval_step_record,
    approver_for,
    may_act_at,
)
from salesadmin.errors import ApplicationError
from salesadmin.transitions import (
    check_state_and_role,
    check_transition,
    run_signed,
    run_transition,
)

DECISIONS = ("approve", "reject")


@dataclass(frozen=True)
class LevelTransitions:
    """The document's own transitions for the decisions at a level."""

    approve: str = "approve"
    forward: str = "forward"
    reject: str = "reject"


DOCUMENT_TRANSITIONS = LevelTransitions()


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
    return approval_run(
        document,
        user=user,
        document_type=document_type,
        amount=amount,
        waiting=document.waiting_level,
        comment=comment,
        final_from=final_from,
        on_final=on_final,
    )


def approval_run(
    document: models.Model,
    *,
    user,
    document_type: str,
    amount: Decimal,
    waiting: ApprovalLevel,
    comment: str = "",
    final_from: ApprovalLevel | None = None,
    check_to: ApprovalLevel | None = None,
    on_final: Callable[[], dict] | None = None,
    transitions: LevelTransitions = DOCUMENT_TRANSITIONS,
):
    """approve_at_level's step once the caller has checked the approve
    transition (and its own rules), the document waiting at ``waiting``.
    ``check_to``: the step is a check (核对) that sends the document on to that
    level whatever the amount (a formal contract's review)."""
    comment = (comment or "").strip()[:300]
    decision = _decision(document, document_type, amount, waiting, user, comment)
    if check_to is not None:
        approval_check_record(**decision, next_level=check_to)
        next_level = check_to
    else:
        step = approval_step_record(**decision, approve=True, final_from=final_from)
        if step.final:
            document.decision_comment = comment
            extra = on_final() if on_final is not None else {}
            return run_signed(
                document,
                transitions.approve,
                user=user,
                document_type=document_type,
                comment=comment,
                **extra,
            )
        next_level = step.next_level
    return run_transition(
        document,
        transitions.forward,
        user=user,
        document_type=document_type,
        comment=comment,
        level=next_level,
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
    return rejection_run(
        document,
        user=user,
        document_type=document_type,
        amount=amount,
        waiting=document.waiting_level,
        comment=document.decision_comment,
    )


def rejection_run(
    document: models.Model,
    *,
    user,
    document_type: str,
    amount: Decimal,
    waiting: ApprovalLevel,
    comment: str,
    transitions: LevelTransitions = DOCUMENT_TRANSITIONS,
    **extra,
):
    """reject_at_level's step once the caller has checked the reject
    transition and the comment; ``extra``: the reject transition's own arguments."""
    approval_step_record(
        **_decision(document, document_type, amount, waiting, user, comment), approve=False
    )
    return run_signed(
        document,
        transitions.reject,
        user=user,
        document_type=document_type,
        comment=comment,
        **extra,
    )


def _decision(
    document: models.Model,
    document_type: str,
    amount: Decimal,
    waiting: ApprovalLevel,
    user,
    comment: str,
) -> dict:
    """What an approval step records: the document under review, the level it
    waits at, who decides and their comment."""
    return {
        "document_type": document_type,
        "document_id": document.pk,
        "document_number": document.number,
        "amount": amount,
        "waiting": waiting,
        "user": user,
        "comment": comment,
    }


def without_decisions_above(names: list[str], document: models.Model, user) -> list[str]:
    """The actions less approving and rejecting when the document waits at a
    level above the user's."""
    if any(n in DECISIONS for n in names) and not may_act_at(
        approver_for(user), document.waiting_level
    ):
        return [n for n in names if n not in DECISIONS]
    return names
