"""Demo returns and allowances in different states, so a new user sees each
role's part (loaded by ``manage.py demo_data``, once)."""

from __future__ import annotations

from decimal import Decimal

from approvals.models import ApprovalAssignment, ApprovalLevel
from orders.enums import NoteStatus
from orders.models import DeliveryNote
from returns.enums import InspectionResult, ReturnCause, ReturnReason
from returns.models import Allowance, ReturnApplication
from returns.services.allowances import allowance_approve, allowance_create, allowance_submit
from returns.services.return_applications import (
    InspectionInput,
    ReturnLineInput,
    return_application_approve,
    return_application_close,
    return_application_create,
    return_application_inspect,
    return_application_receive,
    return_application_submit,
)

MARKER = "DEMO-TH-"  # customers' document numbers of the demo returns


def demo_approvers(*, manager, general_manager) -> None:
    """The demo manager approves up to the department head's limit; the general
    manager above it (DESIGN.md: approval levels)."""
    levels = {level.code: level for level in ApprovalLevel.objects.all()}
    ApprovalAssignment.objects.get_or_create(
        user=manager, defaults={"level": levels["department_head"]}
    )
    ApprovalAssignment.objects.get_or_create(
        user=general_manager, defaults={"level": levels["general_manager"]}
    )


def demo_returns(*, clerk, inspector, manager, keeper) -> tuple[int, int]:
    """Five returns (draft, submitted, inspected, received with failed goods,
    closed) and three allowances (draft, waiting for the next level, approved),
    on the demo's dispatched notes. Returns (returns, allowances) made."""
    if ReturnApplication.objects.filter(customer_document__startswith=MARKER).exists():
        return 0, 0
    notes = list(
        DeliveryNote.objects.sales()
        .filter(status__in=[NoteStatus.EXITED, NoteStatus.DISPATCHED])
        .prefetch_related("lines")
        .order_by("-dispatched_at", "-id")[:8]
    )
    if len(notes) < 5:
        return 0, 0

    def filed(note, share: str, n: int, reason=ReturnReason.QUALITY):
        line = note.lines.all()[0]
        quantity = max((line.actual_quantity * Decimal(share)).quantize(Decimal("1")), Decimal(1))
        return return_application_create(
            delivery_note=note,
            user=clerk,
            customer_document=f"{MARKER}{n:03d}",
            lines=[ReturnLineInput(note_line=line, quantity=quantity, reason=reason)],
            remarks="演示数据 demo",
        )

    def inspected(application, result, findings):
        return return_application_inspect(
            application=return_application_submit(application=application, user=clerk),
            user=inspector,
            results=[
                InspectionInput(line=ln, result=result, findings=findings)
                for ln in application.lines.all()
            ],
        )

    closed = inspected(filed(notes[0], "0.25", 1), InspectionResult.PASSED, "瓶阀漏气，已更换")
    closed = return_application_receive(
        application=return_application_approve(application=closed, user=manager, comment="同意"),
        user=keeper,
    )
    return_application_close(
        application=closed,
        user=manager,
        cause=ReturnCause.PRODUCTION,
        cause_detail="充装后未做气密性检查",
        responsible="充装车间",
        corrective_action="充装后逐瓶检漏，班长抽检",
    )
    received = inspected(
        filed(notes[1], "0.2", 2, ReturnReason.DAMAGED), InspectionResult.FAILED, "瓶体凹陷，报废"
    )
    return_application_receive(
        application=return_application_approve(
            application=received, user=manager, comment="运输损坏，同意退货，按报废处理"
        ),
        user=keeper,
    )
    inspected(filed(notes[2], "0.1", 3), InspectionResult.PASSED, "外观完好")
    return_application_submit(
        application=filed(notes[3], "0.1", 4, ReturnReason.WRONG_GOODS), user=clerk
    )
    filed(notes[4], "0.1", 5, ReturnReason.OTHER)

    approved = allowance_submit(
        allowance=allowance_create(
            user=clerk,
            delivery_note=notes[0],
            reason="late_delivery",
            customer_reference="ZR-DEMO-1",
            amount=min(Decimal("100.00"), notes[0].actual_value / 2).quantize(Decimal("0.01")),
            reason_detail="晚到一天",
        ),
        user=clerk,
    )
    allowance_approve(allowance=approved, user=manager, comment="同意")
    biggest = max(notes[1:], key=lambda n: n.actual_value or 0)
    waiting = allowance_submit(
        allowance=allowance_create(
            user=clerk,
            delivery_note=biggest,
            reason="quality",
            customer_reference="ZR-DEMO-2",
            amount=(biggest.actual_value * Decimal("0.4")).quantize(Decimal("0.01")),
            reason_detail="纯度不达标，客户要求折让",
        ),
        user=clerk,
    )
    if waiting.amount > Decimal("2000.00"):
        allowance_approve(allowance=waiting, user=manager, comment="超出权限，报总经理")
    allowance_create(
        user=clerk,
        delivery_note=notes[2],
        reason="quantity_dispute",
        customer_reference="ZR-DEMO-3",
        amount="20.00",
    )
    return 5, Allowance.objects.count()
