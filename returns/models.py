"""Returns (退货) and allowances (销售折让).

A return application is filed by a clerk against a delivery note whose goods
left; a quality inspector inspects, a manager approves or rejects, the keeper
receives the goods back (stock ledger + credit note in one transaction), and
the return is closed once its cause is found. An allowance reduces what a
customer owes on a dispatched note or an invoice, approved level by level by
amount (approvals/), and its final approval issues the credit note.

Transition bodies only set fields; conditions read only the instance's own
fields (the services compute values under their locks and set them first).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition

from returns.enums import (
    AllowanceReason,
    AllowanceStatus,
    InspectionResult,
    ReturnCause,
    ReturnReason,
    ReturnStatus,
)
from salesadmin.transitions import DecisionRules, LevelDecisionRules, condition

MONEY = {"max_digits": 14, "decimal_places": 2}
QTY = {"max_digits": 14, "decimal_places": 3}


def _user(related_name="+", **kwargs):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
        **kwargs,
    )


class ReturnApplication(DecisionRules, ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """退货申请单."""

    number = models.CharField(_("return number"), max_length=30, unique=True)
    delivery_note = models.ForeignKey(
        "orders.DeliveryNote",
        verbose_name=_("delivery note"),
        on_delete=models.PROTECT,
        related_name="return_applications",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="return_applications",
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT
    )
    status = FSMField(
        _("status"), default=ReturnStatus.DRAFT, choices=ReturnStatus.choices, protected=True
    )
    # The customer's own document: 退货发票 or 退货折让证明单.
    customer_document = models.CharField(_("customer's document number"), max_length=60)
    remarks = models.CharField(_("remarks"), max_length=300, blank=True)
    total = models.DecimalField(_("value"), **MONEY, default=Decimal("0.00"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Inspection (检验报告单); per line results are on the lines.
    uninspected_lines = models.PositiveSmallIntegerField(default=0)
    inspection_failed = models.BooleanField(_("inspection failed"), default=False)
    inspected_by = _user(verbose_name=_("inspector"))
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    # The manager's decision.
    decision_comment = models.CharField(_("approval comment"), max_length=300, blank=True)
    decided_by = _user(verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Receipt back into stock (退货入库) and its credit note.
    received_by = _user(verbose_name=_("received by"))
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    credit_note = models.OneToOneField(
        "finance.CreditNote",
        verbose_name=_("credit note"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="return_application",
    )
    # Cause and corrective action (退货追究制), before closing.
    cause = models.CharField(_("cause"), max_length=20, choices=ReturnCause.choices, blank=True)
    cause_detail = models.CharField(_("cause found"), max_length=500, blank=True)
    responsible = models.CharField(
        _("responsible department or person"), max_length=100, blank=True
    )
    corrective_action = models.CharField(
        _("corrective and preventive action"), max_length=500, blank=True
    )
    closed_by = _user(verbose_name=_("closed by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancel reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("return application")
        verbose_name_plural = _("return applications")
        permissions = [
            ("submit_returnapplication", _("Can file and submit a return application")),
            ("inspect_returnapplication", _("Can inspect returned goods")),
            ("approve_returnapplication", _("Can approve or reject a return")),
            ("receive_returnapplication", _("Can receive returned goods into stock")),
            ("close_returnapplication", _("Can record a return's cause and close it")),
            ("cancel_returnapplication", _("Can cancel a return application")),
            ("view_returns_report", _("Can see the returns report")),
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["-created_at", "-id"], name="return_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="return_total_ge0"),
        ]

    def __str__(self) -> str:
        return self.number

    # Conditions: pure, on the instance's own fields ------------------------------
    @condition(_("A return needs at least one line with a quantity."), code="no_lines")
    def has_lines(self) -> bool:
        return self.total > 0

    @condition(_("Record the result of every line first."), code="not_inspected")
    def is_inspected_in_full(self) -> bool:
        return self.uninspected_lines == 0

    @condition(
        _("Approving goods that failed inspection needs a comment."), code="comment_required"
    )
    def has_comment_when_failed(self) -> bool:
        return not self.inspection_failed or bool(self.decision_comment.strip())

    @condition(_("A credit note was already issued for this return."), code="credit_note_exists")
    def is_not_credited(self) -> bool:
        return self.credit_note_id is None

    @condition(
        _("Record the cause, who is responsible and the corrective action first."),
        code="cause_required",
    )
    def has_cause_found(self) -> bool:
        return bool(self.cause and self.responsible.strip() and self.corrective_action.strip())

    # Transitions: bodies only set fields; returns/services runs them ---------------
    @transition(
        status,
        source=ReturnStatus.DRAFT,
        target=ReturnStatus.SUBMITTED,
        conditions=[has_lines],
        permission="returns.submit_returnapplication",
    )
    def submit(self, *, at):
        self.submitted_at = at

    @transition(
        status,
        source=ReturnStatus.SUBMITTED,
        target=ReturnStatus.INSPECTED,
        conditions=[is_inspected_in_full],
        permission="returns.inspect_returnapplication",
    )
    def inspect(self, *, by, at):
        self.inspected_by, self.inspected_at = by, at

    @transition(
        status,
        source=ReturnStatus.INSPECTED,
        target=ReturnStatus.APPROVED,
        conditions=[has_comment_when_failed],
        permission="returns.approve_returnapplication",
    )
    def approve(self, *, by, at):
        self.decided_by, self.decided_at = by, at

    @transition(
        status,
        source=ReturnStatus.INSPECTED,
        target=ReturnStatus.REJECTED,
        conditions=[DecisionRules.has_decision_comment],
        permission="returns.approve_returnapplication",
    )
    def reject(self, *, by, at):
        self.decided_by, self.decided_at = by, at

    @transition(
        status,
        source=ReturnStatus.APPROVED,
        target=ReturnStatus.RECEIVED,
        conditions=[is_not_credited],
        permission="returns.receive_returnapplication",
    )
    def receive(self, *, by, at, credit_note):
        self.received_by, self.received_at, self.credit_note = by, at, credit_note

    @transition(
        status,
        source=ReturnStatus.RECEIVED,
        target=ReturnStatus.CLOSED,
        conditions=[has_cause_found],
        permission="returns.close_returnapplication",
    )
    def close(self, *, by, at):
        self.closed_by, self.closed_at = by, at

    @transition(
        status,
        source=[ReturnStatus.DRAFT, ReturnStatus.SUBMITTED, ReturnStatus.INSPECTED],
        target=ReturnStatus.CANCELLED,
        conditions=[DecisionRules.has_cancel_reason],
        permission="returns.cancel_returnapplication",
    )
    def cancel(self):
        pass


class ReturnLine(models.Model):
    application = models.ForeignKey(
        ReturnApplication, on_delete=models.CASCADE, related_name="lines"
    )
    note_line = models.ForeignKey(
        "orders.DeliveryNoteLine",
        verbose_name=_("delivery note line"),
        on_delete=models.PROTECT,
        related_name="return_lines",
    )
    product = models.ForeignKey(
        "inventory.Product", verbose_name=_("product"), on_delete=models.PROTECT
    )
    batch = models.ForeignKey("inventory.Batch", verbose_name=_("batch"), on_delete=models.PROTECT)
    quantity = models.DecimalField(_("quantity"), **QTY)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.CharField(_("reason"), max_length=20, choices=ReturnReason.choices)
    # Inspection report (检验报告单), per line.
    result = models.CharField(
        _("inspection result"), max_length=10, choices=InspectionResult.choices, blank=True
    )
    findings = models.CharField(_("findings"), max_length=500, blank=True)
    inspected_by = _user(verbose_name=_("inspector"))
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    stock_move = models.OneToOneField(
        "inventory.StockMove", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["application", "id"]
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="return_line_quantity_gt0"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="return_line_price_ge0"),
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"


class Allowance(LevelDecisionRules, ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """销售折让: a price reduction after delivery, on a dispatched note or an invoice."""

    number = models.CharField(_("allowance number"), max_length=30, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="allowances",
    )
    delivery_note = models.ForeignKey(
        "orders.DeliveryNote",
        verbose_name=_("delivery note"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allowances",
    )
    invoice = models.ForeignKey(
        "finance.Invoice",
        verbose_name=_("invoice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allowances",
    )
    status = FSMField(
        _("status"),
        default=AllowanceStatus.DRAFT,
        choices=AllowanceStatus.choices,
        protected=True,
    )
    reason = models.CharField(_("reason"), max_length=20, choices=AllowanceReason.choices)
    reason_detail = models.CharField(_("details"), max_length=300, blank=True)
    customer_reference = models.CharField(_("customer's request reference"), max_length=60)
    amount = models.DecimalField(_("amount"), **MONEY, default=Decimal("0.00"))
    # The approval level it waits at (approvals/), while submitted.
    waiting_level = models.ForeignKey(
        "approvals.ApprovalLevel",
        verbose_name=_("waiting for"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decision_comment = models.CharField(_("comment"), max_length=300, blank=True)
    decided_by = _user(verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    credit_note = models.OneToOneField(
        "finance.CreditNote",
        verbose_name=_("credit note"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allowance",
    )
    cancel_reason = models.CharField(_("cancel reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("allowance")
        verbose_name_plural = _("allowances")
        permissions = [
            ("submit_allowance", _("Can request and submit an allowance")),
            ("approve_allowance", _("Can approve or reject an allowance at their level")),
            ("cancel_allowance", _("Can cancel an allowance")),
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["-created_at", "-id"], name="allowance_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="allowance_amount_ge0"),
            models.CheckConstraint(
                condition=Q(delivery_note__isnull=False) | Q(invoice__isnull=False),
                name="allowance_note_or_invoice",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @condition(_("An allowance needs a positive amount."), code="invalid_amount")
    def has_amount(self) -> bool:
        return self.amount > 0

    @condition(_("A rejection needs a comment."), code="comment_required")
    def has_decision_comment(self) -> bool:
        return bool(self.decision_comment.strip())

    @transition(
        status,
        source=AllowanceStatus.DRAFT,
        target=AllowanceStatus.SUBMITTED,
        conditions=[has_amount],
        permission="returns.submit_allowance",
    )
    def submit(self, *, at, level):
        self.submitted_at, self.waiting_level = at, level

    @transition(
        status,
        source=AllowanceStatus.SUBMITTED,
        target=AllowanceStatus.SUBMITTED,
        conditions=[LevelDecisionRules.is_waiting_for_approval],
        permission="returns.approve_allowance",
    )
    def forward(self, *, level):
        """Approved within one level; the amount is beyond it: the next level decides."""
        self.waiting_level = level

    @transition(
        status,
        source=AllowanceStatus.SUBMITTED,
        target=AllowanceStatus.APPROVED,
        conditions=[LevelDecisionRules.is_waiting_for_approval],
        permission="returns.approve_allowance",
    )
    def approve(self, *, by, at, credit_note):
        self.decided_by, self.decided_at, self.credit_note = by, at, credit_note
        self.waiting_level = None

    @transition(
        status,
        source=AllowanceStatus.SUBMITTED,
        target=AllowanceStatus.REJECTED,
        conditions=[
            LevelDecisionRules.is_waiting_for_approval,
            LevelDecisionRules.has_decision_comment,
        ],
        permission="returns.approve_allowance",
    )
    def reject(self, *, by, at):
        self.decided_by, self.decided_at = by, at
        self.waiting_level = None

    @transition(
        status,
        source=[AllowanceStatus.DRAFT, AllowanceStatus.SUBMITTED],
        target=AllowanceStatus.CANCELLED,
        conditions=[LevelDecisionRules.has_cancel_reason],
        permission="returns.cancel_allowance",
    )
    def cancel(self):
        self.waiting_level = None


class AllowanceLine(models.Model):
    """What is reduced: a per-unit reduction on a note line, or an amount."""

    allowance = models.ForeignKey(Allowance, on_delete=models.CASCADE, related_name="lines")
    note_line = models.ForeignKey(
        "orders.DeliveryNoteLine",
        verbose_name=_("delivery note line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allowance_lines",
    )
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), **QTY, null=True, blank=True)
    unit_reduction = models.DecimalField(_("reduction per unit"), **MONEY, null=True, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        ordering = ["allowance", "id"]
        verbose_name = _("allowance line")
        verbose_name_plural = _("allowance lines")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allowance_line_amount_gt0"),
        ]

    def __str__(self) -> str:
        return f"{self.description} {self.amount}"
