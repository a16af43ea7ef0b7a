"""Returns and allowances built through the real services, for tests."""

from __future__ import annotations

from decimal import Decimal

from returns.enums import InspectionResult, ReturnReason
from returns.services.allowances import allowance_create, allowance_submit
from returns.services.return_applications import (
    InspectionInput,
    ReturnLineInput,
    return_application_approve,
    return_application_create,
    return_application_inspect,
    return_application_receive,
    return_application_submit,
)
from tests.factories import approver_at


class ReturnWorld:
    def __init__(self, *, chain, inspector):
        self.chain = chain
        self.inspector = inspector
        self.clerk, self.keeper, self.manager = chain.clerk, chain.keeper, chain.manager
        self.finance = chain.finance

    def note(self, quantities=("10", "100", "5")):
        """A dispatched note: 10 × 30.00, 100 kg × 1.50, 5 × 80.00 = 850.00."""
        return self.chain.dispatched(
            self.chain.stamped(self.chain.note(self.chain.order(quantities)))
        )

    def filed(self, note=None, *, quantities=None, reason=ReturnReason.QUALITY, user=None):
        note = note or self.note()
        lines = list(note.lines.order_by("id"))
        quantities = quantities or ["2"] + ["0"] * (len(lines) - 1)
        return return_application_create(
            delivery_note=note,
            user=user or self.clerk,
            customer_document="TH-001",
            lines=[
                ReturnLineInput(note_line=ln, quantity=Decimal(q), reason=reason)
                for ln, q in zip(lines, quantities, strict=False)
                if Decimal(q)
            ],
        )

    def submitted(self, application=None, **kwargs):
        application = application or self.filed(**kwargs)
        return return_application_submit(application=application, user=self.clerk)

    def inspected(self, application=None, *, result=InspectionResult.PASSED, **kwargs):
        application = application or self.submitted(**kwargs)
        return return_application_inspect(
            application=application,
            user=self.inspector,
            results=[
                InspectionInput(line=ln, result=result, findings="气瓶阀门漏气")
                for ln in application.lines.all()
            ],
        )

    def approved(self, application=None, **kwargs):
        application = application or self.inspected(**kwargs)
        return return_application_approve(
            application=application, user=self.manager, comment="同意退货"
        )

    def received(self, application=None, **kwargs):
        application = application or self.approved(**kwargs)
        return return_application_receive(application=application, user=self.keeper)

    # --- allowances ---------------------------------------------------------------
    def approver(self, level_code: str, username: str, *, limit=None):
        return approver_at(level_code, username, limit=limit)

    def allowance(self, note=None, *, amount="100.00", submit=True, **kwargs):
        allowance = allowance_create(
            user=self.clerk,
            delivery_note=note or self.note(),
            reason="quality",
            customer_reference="ZR-2026-01",
            amount=Decimal(amount),
            **kwargs,
        )
        return allowance_submit(allowance=allowance, user=self.clerk) if submit else allowance


def ledger_balance(customer) -> Decimal:
    """The customer's balance as the database keeps it, checked against the
    ledger's own sum (they must never differ)."""
    from django.db.models import Sum

    from finance.credit import credit_position
    from finance.models import ReceivableEntry

    kept = credit_position(customer=customer).balance
    summed = ReceivableEntry.objects.filter(customer=customer).aggregate(s=Sum("amount"))["s"]
    assert kept == (summed or Decimal("0.00"))
    return kept
