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

from approvals.services import (
    approval_step_record,
    approver_for,
    first_level,
    level_by_code,
    may_act_at,
)
from customers.models import Customer
from inventory.models import Warehouse
from orders.enums import NoteKind
from orders.services.delivery_notes import NonSaleLine, delivery_note_issue_non_sale
from outbound.enums import SampleOutcome
from outbound.models import SampleApplication, SampleLine
from outbound.services.common import (
    CostedLine,
    LineInput,
    available_actions,
    check_state_and_role,
    costed_lines,
    placeholder_number,
    read_slip,
)
from salesadmin.clock import company_today
from salesadmin.db import locked
from salesadmin.document_numbers import next_number
from salesadmin.errors import ApplicationError
from salesadmin.transitions import check_transition, run_transition

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
    if not warehouse.active:
        raise ApplicationError(_("This warehouse is closed."), code="warehouse_inactive")
    rows = costed_lines(lines)
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
    SampleLine.objects.bulk_create(
        SampleLine(
            application=application,
            product=r.product,
            quantity=r.quantity,
            unit_cost=r.unit_cost,
            amount=r.amount,
        )
        for r in rows
    )
    application.number = next_number(DOC, year=company_today().year)
    SampleApplication.objects.filter(pk=application.pk).update(number=application.number)
    return application


def _lock(application: SampleApplication) -> SampleApplication:
    found = locked(SampleApplication.objects.select_related("waiting_level")).get(pk=application.pk)
    read_slip(found)
    return found


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
    check_transition(application, "approve", user=user)
    comment = (comment or "").strip()[:300]
    step = approval_step_record(
        document_type=DOC,
        document_id=application.pk,
        document_number=application.number,
        amount=application.total_cost,
        waiting=application.waiting_level,
        user=user,
        approve=True,
        comment=comment,
        final_from=level_by_code(DIRECTOR_LEVEL) if application.needs_director else None,
    )
    if not step.final:
        return run_transition(
            application,
            "forward",
            user=user,
            document_type=DOC,
            comment=comment,
            level=step.next_level,
        )
    application.decision_comment = comment
    return run_transition(
        application,
        "approve",
        user=user,
        document_type=DOC,
        comment=comment,
        by=user,
        at=timezone.now(),
    )


@transaction.atomic
def sample_application_reject(
    *, application: SampleApplication, user, comment: str
) -> SampleApplication:
    application = _lock(application)
    check_state_and_role(application, "reject", user=user)
    application.decision_comment = (comment or "").strip()[:300]
    if not application.decision_comment:
        rule = SampleApplication.has_decision_comment
        raise ApplicationError(str(rule.message), code=rule.code)
    approval_step_record(
        document_type=DOC,
        document_id=application.pk,
        document_number=application.number,
        amount=application.total_cost,
        waiting=application.waiting_level,
        user=user,
        approve=False,
        comment=application.decision_comment,
    )
    return run_transition(
        application,
        "reject",
        user=user,
        document_type=DOC,
        comment=application.decision_comment,
        by=user,
        at=timezone.now(),
    )


@transaction.atomic
def sample_application_issue_slip(
    *, application: SampleApplication, user, vehicle_plate: str = "", driver: str = ""
) -> SampleApplication:
    """The outbound slip: a sample note, valid today, its stock reserved; the
    approval takes the finance stamp's place. Again after a slip expired."""
    application = _lock(application)
    check_transition(application, "issue_slip", user=user)
    note = delivery_note_issue_non_sale(
        kind=NoteKind.SAMPLE,
        user=user,
        warehouse=application.warehouse,
        lines=[
            NonSaleLine(product=line.product, quantity=line.quantity, unit_cost=line.unit_cost)
            for line in application.lines.select_related("product").order_by("product_id")
        ],
        released_by=application.number,
        vehicle_plate=vehicle_plate,
        driver=driver,
    )
    return run_transition(
        application, "issue_slip", user=user, document_type=DOC, comment=note.number, note=note
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
    application.outcome_remarks = (remarks or "").strip()[:300]
    return run_transition(
        application,
        "record_outcome",
        user=user,
        document_type=DOC,
        comment=application.outcome_remarks,
        by=user,
        at=timezone.now(),
    )


@transaction.atomic
def sample_application_cancel(
    *, application: SampleApplication, user, reason: str
) -> SampleApplication:
    application = _lock(application)
    check_state_and_role(application, "cancel", user=user)
    application.cancel_reason = (reason or "").strip()[:300]
    return run_transition(
        application, "cancel", user=user, document_type=DOC, comment=application.cancel_reason
    )


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
    names = available_actions(application, user, SAMPLE_ACTIONS)
    if ("approve" in names or "reject" in names) and not may_act_at(
        approver_for(user), application.waiting_level
    ):
        names = [n for n in names if n not in ("approve", "reject")]
    if "issue_slip" in names and not user.has_perm("orders.issue_deliverynote"):
        names.remove("issue_slip")
    return names
