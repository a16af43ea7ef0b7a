"""Level-by-level approval (逐级审批): the rule every document with an amount uses.

A document waits at a level. A person may act on it when their own level is at
least that high. Their approval is final when the amount is within their limit
(their personal limit, else their level's); otherwise the document goes on to
the next level above theirs. Each step is logged with who, when and the
comment. The caller (the document's service) holds the document's row lock and
runs its own transition; this module decides and logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from approvals.models import ApprovalAssignment, ApprovalDecision, ApprovalLevel, ApprovalStep
from salesadmin.errors import ApplicationError

UNLIMITED = Decimal("Infinity")


def first_level() -> ApprovalLevel:
    level = ApprovalLevel.objects.order_by("rank").first()
    if level is None:
        raise ApplicationError(_("No approval levels are configured."), code="no_approval_levels")
    return level


def level_limit(level: ApprovalLevel) -> Decimal:
    return UNLIMITED if level.limit is None else level.limit


def next_approver_level(*, amount: Decimal, current: ApprovalLevel | None) -> ApprovalLevel | None:
    """Who must look next at ``amount`` after ``current`` approved it.

    ``current`` None: nobody has yet, the lowest level starts. None is returned
    when ``current``'s limit covers the amount (the approval is final), or when
    there is no level above (the highest level's word is final).
    """
    if current is None:
        return first_level()
    if amount <= level_limit(current):
        return None
    return ApprovalLevel.objects.filter(rank__gt=current.rank).order_by("rank").first()


@dataclass(frozen=True)
class Approver:
    level: ApprovalLevel
    limit: Decimal


def approver_for(user) -> Approver | None:
    """The user's level and limit (personal, else the level's); None: not an approver."""
    assignment = ApprovalAssignment.objects.select_related("level").filter(user_id=user.pk).first()
    if assignment is None:
        return None
    limit = (
        assignment.personal_limit
        if assignment.personal_limit is not None
        else level_limit(assignment.level)
    )
    return Approver(level=assignment.level, limit=limit)


def may_act_at(approver: Approver | None, waiting: ApprovalLevel | None) -> bool:
    return approver is not None and waiting is not None and approver.level.rank >= waiting.rank


def _approver_at(user, waiting: ApprovalLevel) -> Approver:
    """The user as an approver at ``waiting`` or above; else refused (403):
    authority, like a role."""
    approver = approver_for(user)
    if not may_act_at(approver, waiting):
        raise PermissionDenied(
            _("This document waits for approval at the level %(level)s or above.")
            % {"level": waiting.name}
        )
    return approver


@dataclass(frozen=True)
class StepResult:
    final: bool
    next_level: ApprovalLevel | None
    step: ApprovalStep


def approval_step_record(
    *,
    document_type: str,
    document_id: int,
    document_number: str,
    amount: Decimal,
    waiting: ApprovalLevel,
    user,
    approve: bool,
    comment: str = "",
    final_from: ApprovalLevel | None = None,
) -> StepResult:
    """Record one approver's decision on a document waiting at ``waiting``.

    Refused (PermissionDenied: 403) when the user is not assigned at that
    level or above: authority, like a role. An approval within the
    approver's limit is final; beyond it the document goes on to the next
    level above the approver's own; with no level above, it is final.
    ``final_from``: a rule other than the amount (a sample beyond 5
    specifications, a tool) needs at least that level; an approver below it
    sends the document on the same way.
    """
    approver = _approver_at(user, waiting)
    next_level = None
    if not approve:
        decision = ApprovalDecision.REJECTED
    elif amount <= approver.limit and (
        final_from is None or approver.level.rank >= final_from.rank
    ):
        decision = ApprovalDecision.APPROVED
    else:
        next_level = (
            ApprovalLevel.objects.filter(rank__gt=approver.level.rank).order_by("rank").first()
        )
        decision = ApprovalDecision.FORWARDED if next_level else ApprovalDecision.APPROVED
    step = ApprovalStep.objects.create(
        document_type=document_type,
        document_id=document_id,
        document_number=document_number or "",
        amount=amount,
        level=approver.level,
        decision=decision,
        next_level=next_level,
        user=user,
        comment=comment,
    )
    return StepResult(
        final=decision != ApprovalDecision.FORWARDED, next_level=next_level, step=step
    )


def level_by_code(code: str) -> ApprovalLevel:
    level = ApprovalLevel.objects.filter(code=code).first()
    if level is None:
        raise ApplicationError(
            _("The approval level %(code)s is not configured.") % {"code": code},
            code="no_approval_levels",
        )
    return level


def approval_steps(*, document_type: str, document_id: int) -> list[ApprovalStep]:
    return list(
        ApprovalStep.objects.filter(document_type=document_type, document_id=document_id)
        .select_related("level", "next_level", "user")
        .order_by("id")
    )


def approval_check_record(
    *,
    document_type: str,
    document_id: int,
    document_number: str,
    amount: Decimal,
    waiting: ApprovalLevel,
    next_level: ApprovalLevel,
    user,
    comment: str = "",
) -> ApprovalStep:
    """A check that sends a document on to a fixed level whatever the amount
    (a formal contract: the department head checks, 核对, then the sales
    director approves). Refused like an approval to anyone below ``waiting``."""
    approver = _approver_at(user, waiting)
    return ApprovalStep.objects.create(
        document_type=document_type,
        document_id=document_id,
        document_number=document_number or "",
        amount=amount,
        level=approver.level,
        decision=ApprovalDecision.FORWARDED,
        next_level=next_level,
        user=user,
        comment=comment,
    )
