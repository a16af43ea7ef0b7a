"""Samples (样件申请表, seed 002 2.2): a clerk applies for samples for a
customer or a prospect; the department head approves up to 5 specifications
and 10 pieces of each, anything beyond (and any tool) the sales director;
approvals go level by level (approvals/). The approved samples leave on an
outbound slip (a non-sale delivery note) through the warehouse and the gate;
afterwards the clerk records the outcome.

Locks: the application first, then what the note service locks (stock).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.document_flow import approve_at_level, reject_at_level
from approvals.services import first_level, level_by_code
from customers.models import Customer
from inventory.models import Warehouse
from orders.enums import NoteKind
from outbound.enums import SampleOutcome
from outbound.models import SampleApplication, SampleLine
from outbound.services.common import (
    CostedLine,
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

DOC = "sample_application"
DIRECTOR_LEVEL = "sales_director"


def head_may_approve(lines: list[CostedLine]) -> bool:
    """The department head's authority (seed 002 2.2): at most 5
    specifications, at most 10 pieces of each, and no tool."""
    most_specs = getattr(settings, "SAMPLE_HEAD_MAX_SPECIFICATIONS", 5)
    most_pieces = Decimal(getattr(settings, "SAMPLE_HEAD_MAX_PIECES", 10))
    return (
        len(lines) <= most_specs
        and all(line.quantity <= most_pieces for line in lines)
        and not any(line.product.is_tool for line in lines)
    )


@transaction.atomic
def sample_application_create(
    *,
    user,
    department: str,
    warehouse: Warehouse,
    lines: list[LineInput],
    customer: Customer | None = None,
    prospect_name: str = "",
    reason: str = "",
) -> SampleApplication:
    """A draft application: for a customer, or a prospect by name."""
    if not user.has_perm("outbound.submit_sampleapplication"):
        raise PermissionDenied
    prospect_name = (prospect_name or "").strip()[:120]
    if customer is None and not prospect_name:
        raise ApplicationError(
            _("Choose the customer or write the prospect's name."), code="recipient_required"
        )
    if customer is not None:
        prospect_name = ""
    department = (department or "").strip()[:60]
    if not department:
        raise ApplicationError(
            _("Say which department the samples are for."), code="department_required"
        )
    rows = costed_lines(lines, warehouse=warehouse)
    application = SampleApplication.objects.create(
        number=placeholder_number(),
        customer=customer,
        prospect_name=prospect_name,
        department=department,
        warehouse=warehouse,
        reason=(reason or "").strip()[:300],
        total_cost=sum((r.amount for r in rows), Decimal("0.00")),
        line_count=len(rows),
        needs_director=not head_may_approve(rows),
        created_by=user,
    )
    lines_save_and_number(
        application,
        line_model=SampleLine,
        parent_field="application",
        rows=rows,
        document_type=DOC,
    )
    return application


def _lock(application: SampleApplication) -> SampleApplication:
    return lock_document(SampleApplication, application)


@transaction.atomic
def sample_application_submit(*, application: SampleApplication, user) -> SampleApplication:
    """It waits for the lowest approval level (the department head)."""
    application = _lock(application)
    check_state_and_role(application, "submit", user=user)
    return run_transition(
        application,
        "submit",
        user=user,
        document_type=DOC,
        at=timezone.now(),
        level=first_level(),
    )


@transaction.atomic
def sample_application_approve(
    *, application: SampleApplication, user, comment: str = ""
) -> SampleApplication:
    """One approver's approval: final within their authority (the 5 × 10 rule
    and the tools for the department head; the amount at cost against their
    limit), else it goes on to the next level. Logged."""
    application = _lock(application)
    return approve_at_level(
        application,
        user=user,
        document_type=DOC,
        amount=application.total_cost,
        comment=comment,
        final_from=level_by_code(DIRECTOR_LEVEL) if application.needs_director else None,
    )


@transaction.atomic
def sample_application_reject(
    *, application: SampleApplication, user, comment: str
) -> SampleApplication:
    application = _lock(application)
    return reject_at_level(
        application, user=user, document_type=DOC, amount=application.total_cost, comment=comment
    )


@transaction.atomic
def sample_application_issue_slip(
    *, application: SampleApplication, user, vehicle_plate: str = "", driver: str = ""
) -> SampleApplication:
    """The outbound slip: a sample note, valid today, its stock reserved; the
    approval takes the finance stamp's place. Again after a slip expired."""
    application = _lock(application)
    return slip_issue(
        application,
        user=user,
        document_type=DOC,
        kind=NoteKind.SAMPLE,
        released_by=application.number,
        vehicle_plate=vehicle_plate,
        driver=driver,
    )


@transaction.atomic
def sample_application_record_outcome(
    *, application: SampleApplication, user, outcome: str, remarks: str = ""
) -> SampleApplication:
    """回访: once the samples left through the gate, what came of them."""
    application = _lock(application)
    check_state_and_role(application, "record_outcome", user=user)
    if outcome not in SampleOutcome.values:
        raise ApplicationError(_("Choose the outcome."), code="outcome_required")
    application.outcome = outcome
    return run_signed_with_text(
        application,
        "record_outcome",
        text_field="outcome_remarks",
        text=remarks,
        user=user,
        document_type=DOC,
    )


@transaction.atomic
def sample_application_cancel(
    *, application: SampleApplication, user, reason: str
) -> SampleApplication:
    application = _lock(application)
    return cancel_with_reason(application, user=user, document_type=DOC, reason=reason)


SAMPLE_ACTIONS = {
    "submit": "submit",
    "forward": "approve",
    "approve": "approve",
    "reject": "reject",
    "issue_slip": "issue_slip",
    "record_outcome": "record_outcome",
    "cancel": "cancel",
}


def sample_actions(application: SampleApplication, user) -> list[str]:
    """The actions this user may take now: approving also needs the level."""
    return outbound_actions(application, user, SAMPLE_ACTIONS)
