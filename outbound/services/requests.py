"""Goods out for advertising, gifts or prizes (视同销售出库, seed 000 第十三条):
a request report (请示报告单) with the purpose, the accountant's opinion and the
manager's opinion, approved by the deputy general manager (approvals/: above
their limit, the next level). The approved request issues its outbound slip,
a non-sale delivery note stating the purpose, which leaves through the
warehouse and the gate like any note.

Locks: the request first, then what the note service locks (stock).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.document_flow import approve_at_level, reject_at_level
from approvals.services import level_by_code
from inventory.models import Warehouse
from orders.enums import NoteKind
from outbound.enums import REQUEST_PURPOSES
from outbound.models import NonSaleLine as RequestLine
from outbound.models import NonSaleRequest
from outbound.services.common import (
    LineInput,
    costed_lines,
    lines_save_and_number,
    lock_document,
    outbound_actions,
    slip_issue,
)
from salesadmin.document_numbers import placeholder_number
from salesadmin.errors import ApplicationError
from salesadmin.transitions import (
    cancel_with_reason,
    check_state_and_role,
    run_signed_with_text,
    run_transition,
)

DOC = "non_sale_request"
APPROVER_LEVEL = "deputy_general_manager"


@transaction.atomic
def non_sale_request_create(
    *,
    user,
    purpose: str,
    recipient: str,
    reason: str,
    department: str,
    warehouse: Warehouse,
    lines: list[LineInput],
) -> NonSaleRequest:
    if not user.has_perm("outbound.submit_nonsalerequest"):
        raise PermissionDenied
    if purpose not in REQUEST_PURPOSES:
        raise ApplicationError(_("Choose advertising, a gift or a prize."), code="invalid_purpose")
    recipient = (recipient or "").strip()[:120]
    reason = (reason or "").strip()[:500]
    department = (department or "").strip()[:60]
    if not recipient or not reason:
        raise ApplicationError(_("Say for whom or which event, and why."), code="reason_required")
    if not department:
        raise ApplicationError(
            _("Say which department the goods are for."), code="department_required"
        )
    rows = costed_lines(lines, warehouse=warehouse)
    request = NonSaleRequest.objects.create(
        number=placeholder_number(),
        purpose=purpose,
        recipient=recipient,
        reason=reason,
        department=department,
        warehouse=warehouse,
        total_cost=sum((r.amount for r in rows), Decimal("0.00")),
        line_count=len(rows),
        created_by=user,
    )
    lines_save_and_number(
        request, line_model=RequestLine, parent_field="request", rows=rows, document_type=DOC
    )
    return request


def _lock(request: NonSaleRequest) -> NonSaleRequest:
    return lock_document(NonSaleRequest, request)


@transaction.atomic
def non_sale_request_submit(*, request: NonSaleRequest, user) -> NonSaleRequest:
    request = _lock(request)
    check_state_and_role(request, "submit", user=user)
    return run_transition(request, "submit", user=user, document_type=DOC, at=timezone.now())


@transaction.atomic
def non_sale_request_check(*, request: NonSaleRequest, user, opinion: str) -> NonSaleRequest:
    """The accountant's opinion (会计意见)."""
    request = _lock(request)
    check_state_and_role(request, "accountant_check", user=user)
    return run_signed_with_text(
        request,
        "accountant_check",
        text_field="accountant_opinion",
        text=opinion,
        user=user,
        document_type=DOC,
    )


@transaction.atomic
def non_sale_request_endorse(*, request: NonSaleRequest, user, opinion: str) -> NonSaleRequest:
    """The manager's opinion (经理意见); then it waits for the deputy general manager."""
    request = _lock(request)
    check_state_and_role(request, "endorse", user=user)
    return run_signed_with_text(
        request,
        "endorse",
        text_field="manager_opinion",
        text=opinion,
        user=user,
        document_type=DOC,
        level=level_by_code(APPROVER_LEVEL),
    )


@transaction.atomic
def non_sale_request_approve(*, request: NonSaleRequest, user, comment: str = "") -> NonSaleRequest:
    """The deputy general manager's approval (or a higher level's): final
    within their limit at cost, else the next level decides. Logged."""
    request = _lock(request)
    return approve_at_level(
        request, user=user, document_type=DOC, amount=request.total_cost, comment=comment
    )


@transaction.atomic
def non_sale_request_reject(*, request: NonSaleRequest, user, comment: str) -> NonSaleRequest:
    request = _lock(request)
    return reject_at_level(
        request, user=user, document_type=DOC, amount=request.total_cost, comment=comment
    )


@transaction.atomic
def non_sale_request_issue_slip(
    *, request: NonSaleRequest, user, vehicle_plate: str = "", driver: str = ""
) -> NonSaleRequest:
    """The outbound slip (出库单) stating the purpose: a non-sale note, valid
    today, its stock reserved; the approval takes the finance stamp's place."""
    request = _lock(request)
    return slip_issue(
        request,
        user=user,
        document_type=DOC,
        kind=NoteKind.NON_SALE,
        released_by=f"{request.number} {request.get_purpose_display()}",
        vehicle_plate=vehicle_plate,
        driver=driver,
    )


@transaction.atomic
def non_sale_request_cancel(*, request: NonSaleRequest, user, reason: str) -> NonSaleRequest:
    request = _lock(request)
    return cancel_with_reason(request, user=user, document_type=DOC, reason=reason)


REQUEST_ACTIONS = {
    "submit": "submit",
    "accountant_check": "check",
    "endorse": "endorse",
    "forward": "approve",
    "approve": "approve",
    "reject": "reject",
    "issue_slip": "issue_slip",
    "cancel": "cancel",
}


def request_actions(request: NonSaleRequest, user) -> list[str]:
    return outbound_actions(request, user, REQUEST_ACTIONS)
