"""Return applications (退货申请单): file, submit, inspect, approve or reject,
receive back into stock with a credit note, close with the cause found, cancel.

One transaction per action. Locks in the one order: the customer, the return,
the delivery note's lines (by id: the returnable quantity), stock levels (by
product), invoices, then the credit note's number.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from finance.credit_notes import CreditLine, credit_note_issue
from finance.enums import CreditNoteSource
from inventory.models import Batch
from inventory.services import stock_return_receive
from orders.enums import NoteStatus
from orders.models import DeliveryNote, DeliveryNoteLine, DispatchAllocation
from returns.enums import (
    RELEASED_STATUSES,
    InspectionResult,
    ReturnCause,
    ReturnReason,
    ReturnStatus,
)
from returns.models import ReturnApplication, ReturnLine
from returns.services.common import (
    available_actions,
    lock_customer_of,
    lock_document,
)
from salesadmin.db import locked
from salesadmin.decimal_input import parse_positive_quantity, round_money
from salesadmin.document_numbers import number_last, placeholder_number
from salesadmin.errors import ApplicationError, ConflictError
from salesadmin.transitions import (
    cancel_with_reason,
    check_state_and_role,
    check_transition,
    log_step,
    run_signed,
    run_transition,
)

DOC = "return_application"
DELIVERED_STATUSES = (NoteStatus.DISPATCHED, NoteStatus.EXITED)


@dataclass
class ReturnLineInput:
    note_line: DeliveryNoteLine
    quantity: Decimal
    reason: str
    batch: Batch | None = None


@dataclass
class InspectionInput:
    line: ReturnLine
    result: str
    findings: str = ""


def returned_quantities(note_line_ids: list[int], *, exclude_application_id=None) -> dict:
    """Per note line: what returns not rejected or cancelled already claim."""
    qs = ReturnLine.objects.filter(note_line_id__in=note_line_ids).exclude(
        application__status__in=RELEASED_STATUSES
    )
    if exclude_application_id:
        qs = qs.exclude(application_id=exclude_application_id)
    rows = qs.order_by().values("note_line_id").annotate(s=Sum("quantity"))
    return {row["note_line_id"]: row["s"] for row in rows}


def returnable_quantities(note: DeliveryNote, *, exclude_application_id=None) -> dict[int, Decimal]:
    """Per note line: delivered (the actual quantity dispatched) less earlier
    returns not rejected or cancelled (but the draft being changed). For pages;
    the service re-reads it under the lines' locks."""
    lines = list(note.lines.all())
    claimed = returned_quantities(
        [ln.pk for ln in lines], exclude_application_id=exclude_application_id
    )
    return {
        ln.pk: (ln.actual_quantity or Decimal("0")) - claimed.get(ln.pk, Decimal("0"))
        for ln in lines
    }


def _lock(application: ReturnApplication, *, customer: bool = False) -> ReturnApplication:
    return lock_document(
        ReturnApplication.objects.select_related("warehouse", "delivery_note"),
        application.pk,
        customer=customer,
    )


def _batches_dispatched(note_line_ids: list[int]) -> dict[int, list[Batch]]:
    batches: dict[int, list[Batch]] = {}
    for allocation in (
        DispatchAllocation.objects.filter(note_line_id__in=note_line_ids)
        .select_related("batch")
        .order_by("id")
    ):
        found = batches.setdefault(allocation.note_line_id, [])
        if allocation.batch not in found:
            found.append(allocation.batch)
    return batches


def _customer_document(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(
            _("Enter the number of the customer's return document (退货发票 / 退货折让证明单)."),
            code="customer_document_required",
        )
    return value[:60]


def _build_lines(
    note: DeliveryNote, lines: list[ReturnLineInput], *, application_id: int | None = None
) -> list[ReturnLine]:
    """The return's lines, each checked: on the note, a positive quantity
    within what was delivered on the line less what other returns (not
    rejected or cancelled; never this one, when it is being changed) claim,
    a reason, a batch the goods left from. The caller holds the note's lock;
    the lines are locked here in id order, so two returns racing for the last
    returnable quantity of a line are serialized."""
    lines = [ln for ln in lines if ln.quantity not in (None, "", 0, Decimal("0"))]
    if not lines:
        raise ApplicationError(_("Enter a quantity for at least one line."), code="no_lines")
    ids = [ln.note_line.pk for ln in lines]
    if len(set(ids)) != len(ids):
        raise ApplicationError(_("A line of the note is given twice."), code="duplicate_line")
    note_lines = {
        nl.pk: nl
        for nl in locked(DeliveryNoteLine.objects.select_related("product"))
        .filter(pk__in=ids)
        .order_by("pk")
    }
    claimed = returned_quantities(ids, exclude_application_id=application_id)
    batches = _batches_dispatched(ids)
    rows = []
    for given in lines:
        line = note_lines.get(given.note_line.pk)
        if line is None or line.note_id != note.pk:
            raise ApplicationError(
                _("The line is not on delivery note %(note)s.") % {"note": note.number},
                code="line_not_on_note",
            )
        quantity = parse_positive_quantity(given.quantity)
        if given.reason not in ReturnReason.values:
            raise ApplicationError(_("Choose the reason of the return."), code="invalid_reason")
        returnable = (line.actual_quantity or Decimal("0")) - claimed.get(line.pk, Decimal("0"))
        if quantity > returnable:
            raise ApplicationError(
                _("%(product)s: only %(qty)s can be returned (delivered less earlier returns).")
                % {"product": line.product.name, "qty": returnable},
                code="over_returnable",
                extra={"returnable": str(returnable), "note_line": line.pk},
            )
        dispatched_from = batches.get(line.pk, [])
        batch = given.batch
        if batch is None and len(dispatched_from) == 1:
            batch = dispatched_from[0]
        if batch is None or batch not in dispatched_from:
            raise ApplicationError(
                _("%(product)s: choose the batch the goods were dispatched from.")
                % {"product": line.product.name},
                code="batch_required",
            )
        rows.append(
            ReturnLine(
                note_line=line,
                product=line.product,
                batch=batch,
                quantity=quantity,
                unit_price=line.unit_price,
                amount=round_money(quantity * line.unit_price),
                reason=given.reason,
            )
        )
    return rows


@transaction.atomic
def return_application_create(
    *,
    delivery_note: DeliveryNote,
    user,
    customer_document: str,
    lines: list[ReturnLineInput],
    remarks: str = "",
) -> ReturnApplication:
    """File a return (退货申请单) against a note whose goods left. Each line takes
    the note's price; its quantity is never more than what was delivered on the
    line less what earlier returns (not rejected or cancelled) took."""
    if not user.has_perm("returns.submit_returnapplication"):
        raise PermissionDenied
    customer = lock_customer_of(DeliveryNote, delivery_note.pk)
    note = locked(DeliveryNote.objects).get(pk=delivery_note.pk)
    if note.status not in DELIVERED_STATUSES:
        raise ApplicationError(
            _("Goods can be returned only from a note that was dispatched."),
            code="goods_not_delivered",
        )
    customer_document = _customer_document(customer_document)
    rows = _build_lines(note, lines)
    application = ReturnApplication.objects.create(
        number=placeholder_number(),
        delivery_note=note,
        customer=customer,
        warehouse_id=note.warehouse_id,
        customer_document=customer_document,
        remarks=(remarks or "").strip()[:300],
        total=sum((r.amount for r in rows), Decimal("0.00")),
        uninspected_lines=len(rows),
        created_by=user,
    )
    for row in rows:
        row.application = application
    ReturnLine.objects.bulk_create(rows)
    number_last(application, DOC)
    return application


@transaction.atomic
def return_application_update(
    *,
    application: ReturnApplication,
    user,
    customer_document: str,
    lines: list[ReturnLineInput],
    remarks: str = "",
) -> ReturnApplication:
    """Change a draft before it is submitted: its lines (quantities, reasons,
    batches), the customer's document number, the remarks. Only the role that
    files returns (403), only in draft (409); the lines are checked as a new
    return's are, against what other returns claim."""
    if not user.has_perm("returns.submit_returnapplication"):
        raise PermissionDenied
    application = _lock(application, customer=True)
    if application.status != ReturnStatus.DRAFT:
        raise ConflictError(
            _("Only a draft return can be changed; this one is %(state)s.")
            % {"state": application.get_status_display()},
            code="invalid_state",
            extra={"state": application.status},
        )
    note = locked(DeliveryNote.objects).get(pk=application.delivery_note_id)
    application.customer_document = _customer_document(customer_document)
    application.remarks = (remarks or "").strip()[:300]
    rows = _build_lines(note, lines, application_id=application.pk)
    application.lines.all().delete()
    for row in rows:
        row.application = application
    ReturnLine.objects.bulk_create(rows)
    application.total = sum((r.amount for r in rows), Decimal("0.00"))
    application.uninspected_lines = len(rows)
    application.save(update_fields=["customer_document", "remarks", "total", "uninspected_lines"])
    log_step(
        DOC,
        application,
        "edit",
        user=user,
        from_state=application.status,
        to_state=application.status,
        comment=_("Changed: %(lines)s lines, %(total)s")
        % {"lines": len(rows), "total": application.total},
    )
    return application


@transaction.atomic
def return_application_submit(*, application: ReturnApplication, user) -> ReturnApplication:
    application = _lock(application)
    return run_transition(application, "submit", user=user, document_type=DOC, at=timezone.now())


@transaction.atomic
def return_application_inspect(
    *, application: ReturnApplication, user, results: list[InspectionInput]
) -> ReturnApplication:
    """检验报告单: the inspector's passed/failed and findings for every line."""
    application = _lock(application)
    check_state_and_role(application, "inspect", user=user)
    lines = {ln.pk: ln for ln in application.lines.order_by("pk")}
    given = {r.line.pk: r for r in results}
    if len(given) != len(results):
        raise ApplicationError(_("A line is given twice."), code="duplicate_line")
    if set(given) - set(lines):
        raise ApplicationError(_("The line is not on this return."), code="line_not_on_return")
    now = timezone.now()
    for pk, result in given.items():
        if result.result not in InspectionResult.values:
            raise ApplicationError(
                _("Choose passed or failed for every line."), code="invalid_result"
            )
        findings = (result.findings or "").strip()
        if result.result == InspectionResult.FAILED and not findings:
            raise ApplicationError(
                _("Describe what was found on goods that failed."), code="findings_required"
            )
        line = lines[pk]
        line.result, line.findings = result.result, findings[:500]
        line.inspected_by, line.inspected_at = user, now
    ReturnLine.objects.bulk_update(
        list(lines.values()), ["result", "findings", "inspected_by", "inspected_at"]
    )
    application.uninspected_lines = sum(1 for ln in lines.values() if not ln.result)
    application.inspection_failed = any(
        ln.result == InspectionResult.FAILED for ln in lines.values()
    )
    return run_transition(application, "inspect", user=user, document_type=DOC, by=user, at=now)


def _decide(application, user, name: str, comment: str) -> ReturnApplication:
    application = _lock(application)
    check_state_and_role(application, name, user=user)
    application.decision_comment = (comment or "").strip()[:300]
    return run_signed(
        application, name, user=user, document_type=DOC, comment=application.decision_comment
    )


@transaction.atomic
def return_application_approve(
    *, application: ReturnApplication, user, comment: str = ""
) -> ReturnApplication:
    """A manager approves; a comment is required when inspection failed."""
    return _decide(application, user, "approve", comment)


@transaction.atomic
def return_application_reject(
    *, application: ReturnApplication, user, comment: str
) -> ReturnApplication:
    return _decide(application, user, "reject", comment)


@transaction.atomic
def return_application_receive(*, application: ReturnApplication, user) -> ReturnApplication:
    """退货入库: the goods back into stock (passed: saleable, failed: the
    warehouse's held location) and the credit note, in one transaction. A second
    receipt finds the return received (409): one move per line, one credit note."""
    application = _lock(application, customer=True)
    check_transition(application, "receive", user=user)
    lines = list(application.lines.select_related("product", "batch").order_by("product_id", "pk"))
    for line in lines:
        line.stock_move = stock_return_receive(
            product=line.product,
            warehouse=application.warehouse,
            batch=line.batch,
            quantity=line.quantity,
            saleable=line.result == InspectionResult.PASSED,
            user=user,
            reference=application.number,
            note=line.get_reason_display(),
        )
    ReturnLine.objects.bulk_update(lines, ["stock_move"])
    credit_note = credit_note_issue(
        customer=application.customer,
        source=CreditNoteSource.RETURN,
        source_id=application.pk,
        source_number=application.number,
        delivery_note=application.delivery_note,
        lines=[
            CreditLine(
                description=str(line.product),
                amount=line.amount,
                product_id=line.product_id,
                quantity=line.quantity,
                unit_price=line.unit_price,
            )
            for line in sorted(lines, key=lambda ln: ln.pk)
        ],
        user=user,
        reason=_("Return %(number)s") % {"number": application.number},
        customer_reference=application.customer_document,
    )
    return run_signed(
        application,
        "receive",
        user=user,
        document_type=DOC,
        comment=credit_note.number,
        credit_note=credit_note,
    )


@transaction.atomic
def return_application_close(
    *,
    application: ReturnApplication,
    user,
    cause: str,
    responsible: str,
    corrective_action: str,
    cause_detail: str = "",
) -> ReturnApplication:
    """退货追究制: the cause, who is responsible and the corrective and preventive
    action are recorded, and the return is closed."""
    application = _lock(application)
    check_state_and_role(application, "close", user=user)
    if cause and cause not in ReturnCause.values:
        raise ApplicationError(_("Choose where the cause was found."), code="invalid_cause")
    application.cause = cause or ""
    application.cause_detail = (cause_detail or "").strip()[:500]
    application.responsible = (responsible or "").strip()[:100]
    application.corrective_action = (corrective_action or "").strip()[:500]
    return run_signed(
        application,
        "close",
        user=user,
        document_type=DOC,
        comment=application.corrective_action,
    )


@transaction.atomic
def return_application_cancel(
    *, application: ReturnApplication, user, reason: str
) -> ReturnApplication:
    """Cancelled: its quantities are returnable again."""
    application = _lock(application)
    return cancel_with_reason(application, user=user, document_type=DOC, reason=reason)


RETURN_ACTIONS = {
    "submit": "submit",
    "inspect": "inspect",
    "approve": "approve",
    "reject": "reject",
    "receive": "receive",
    "close": "close",
    "cancel": "cancel",
}


def return_actions(application: ReturnApplication, user) -> list[str]:
    return available_actions(application, user, RETURN_ACTIONS)
