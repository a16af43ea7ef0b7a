"""Samples (样件申请表, seed 002 2.2) and goods out without a sale
(请示报告单 → outbound slip, seed 000 第十三条).

Both are approved level by level (approvals/) and then leave through the
delivery note chain: the approved document issues a note of a non-sale kind
(orders.DeliveryNote.kind) that the warehouse dispatches and the gate lets out
like any note, and that is never charged to a customer or counted as a sale.
The document keeps its current note (``note``); a note that expired or was
cancelled may be replaced by a new one.

Transition bodies only set fields; conditions read only the instance's own
fields (the services compute values under their locks and set them first).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition

from outbound.enums import Purpose, RequestStatus, SampleOutcome, SampleStatus
from salesadmin.transitions import LevelDecisionRules, condition

MONEY = {"max_digits": 14, "decimal_places": 2}
QTY = {"max_digits": 14, "decimal_places": 3}


def _user(**kwargs):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        **kwargs,
    )


class OutboundDocument(LevelDecisionRules, ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """What a sample application and a request report share."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    # Whose selling expense it is (费用归属部门).
    department = models.CharField(_("department"), max_length=60)
    warehouse = models.ForeignKey(
        "inventory.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT
    )
    total_cost = models.DecimalField(_("value at cost"), **MONEY, default=Decimal("0.00"))
    line_count = models.PositiveSmallIntegerField(default=0)
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
    cancel_reason = models.CharField(_("cancel reason"), max_length=300, blank=True)

    # Whether the goods may still leave on a note of this document: set by the
    # services from the current note under the document's lock (no note yet,
    # or it expired or was cancelled).
    slip_replaceable: bool = False
    # Whether the goods left through the gate (the current note exited).
    goods_left_found: bool = False

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.number

    @condition(_("Add at least one line with a quantity."), code="no_lines")
    def has_lines(self) -> bool:
        return self.line_count > 0

    @condition(
        _("An outbound slip is still valid or the goods left: nothing to issue or cancel."),
        code="slip_live",
    )
    def has_no_live_slip(self) -> bool:
        return self.slip_replaceable


class SampleApplication(OutboundDocument):
    """样件申请表: samples for a customer or a prospect."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sample_applications",
    )
    prospect_name = models.CharField(_("prospect"), max_length=120, blank=True)
    reason = models.CharField(_("purpose of the samples"), max_length=300, blank=True)
    status = FSMField(
        _("status"), default=SampleStatus.DRAFT, choices=SampleStatus.choices, protected=True
    )
    # Beyond 5 specifications or 10 pieces of one, or any tool: the sales
    # director decides (seed 002 2.2). Decided when the lines are entered.
    needs_director = models.BooleanField(_("needs the sales director"), default=False)
    note = models.OneToOneField(
        "orders.DeliveryNote",
        verbose_name=_("outbound slip"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sample_application",
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=SampleOutcome.choices, blank=True
    )
    outcome_remarks = models.CharField(_("outcome remarks"), max_length=300, blank=True)
    outcome_by = _user(verbose_name=_("followed up by"))
    outcome_at = models.DateTimeField(_("followed up at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sample application")
        verbose_name_plural = _("sample applications")
        permissions = [
            ("submit_sampleapplication", _("Can apply for samples and follow them up")),
            ("approve_sampleapplication", _("Can approve samples at their level")),
            ("cancel_sampleapplication", _("Can cancel a sample application")),
            ("issue_sample_slip", _("Can issue the outbound slip of approved samples")),
            ("view_outbound_expenses", _("Can see samples and non-sale outbound at cost")),
        ]
        indexes = [models.Index(fields=["-created_at", "-id"], name="sample_newest_first")]
        constraints = [
            models.CheckConstraint(condition=Q(total_cost__gte=0), name="sample_cost_ge0"),
            models.CheckConstraint(
                condition=Q(customer__isnull=False) | ~Q(prospect_name=""),
                name="sample_customer_or_prospect",
            ),
        ]

    @property
    def purpose(self) -> str:
        return Purpose.SAMPLE

    @property
    def recipient(self) -> str:
        return self.customer.name if self.customer_id else self.prospect_name

    @condition(_("Record the outcome first."), code="outcome_required")
    def has_outcome(self) -> bool:
        return bool(self.outcome)

    @condition(_("The samples have not left through the gate yet."), code="goods_not_delivered")
    def goods_left(self) -> bool:
        return self.goods_left_found

    @transition(
        status,
        source=SampleStatus.DRAFT,
        target=SampleStatus.SUBMITTED,
        conditions=[OutboundDocument.has_lines],
        permission="outbound.submit_sampleapplication",
    )
    def submit(self, *, at, level):
        self.submitted_at, self.waiting_level = at, level

    @transition(
        status,
        source=SampleStatus.SUBMITTED,
        target=SampleStatus.SUBMITTED,
        conditions=[OutboundDocument.is_waiting_for_approval],
        permission="outbound.approve_sampleapplication",
    )
    def forward(self, *, level):
        """Beyond the approver's authority: the next level decides."""
        self.waiting_level = level

    @transition(
        status,
        source=SampleStatus.SUBMITTED,
        target=SampleStatus.APPROVED,
        conditions=[OutboundDocument.is_waiting_for_approval],
        permission="outbound.approve_sampleapplication",
    )
    def approve(self, *, by, at):
        self.decided_by, self.decided_at, self.waiting_level = by, at, None

    @transition(
        status,
        source=SampleStatus.SUBMITTED,
        target=SampleStatus.REJECTED,
        conditions=[
            OutboundDocument.is_waiting_for_approval,
            OutboundDocument.has_decision_comment,
        ],
        permission="outbound.approve_sampleapplication",
    )
    def reject(self, *, by, at):
        self.decided_by, self.decided_at, self.waiting_level = by, at, None

    @transition(
        status,
        source=SampleStatus.APPROVED,
        target=SampleStatus.APPROVED,
        conditions=[OutboundDocument.has_no_live_slip],
        permission="outbound.issue_sample_slip",
    )
    def issue_slip(self, *, note):
        self.note = note

    @transition(
        status,
        source=SampleStatus.APPROVED,
        target=SampleStatus.CLOSED,
        conditions=[goods_left, has_outcome],
        permission="outbound.submit_sampleapplication",
    )
    def record_outcome(self, *, by, at):
        self.outcome_by, self.outcome_at = by, at

    @transition(
        status,
        source=[SampleStatus.DRAFT, SampleStatus.SUBMITTED, SampleStatus.APPROVED],
        target=SampleStatus.CANCELLED,
        conditions=[OutboundDocument.has_cancel_reason, OutboundDocument.has_no_live_slip],
        permission="outbound.cancel_sampleapplication",
    )
    def cancel(self):
        self.waiting_level = None


class NonSaleRequest(OutboundDocument):
    """请示报告单: goods out for advertising, a gift or a prize, with the
    accountant's and the manager's opinions, approved by the deputy general
    manager; its outbound slip states the purpose."""

    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    recipient = models.CharField(_("for whom or which event"), max_length=120)
    reason = models.CharField(_("reason"), max_length=500)
    status = FSMField(
        _("status"), default=RequestStatus.DRAFT, choices=RequestStatus.choices, protected=True
    )
    accountant_opinion = models.CharField(_("accountant's opinion"), max_length=300, blank=True)
    checked_by = _user(verbose_name=_("accountant"))
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    manager_opinion = models.CharField(_("manager's opinion"), max_length=300, blank=True)
    endorsed_by = _user(verbose_name=_("manager"))
    endorsed_at = models.DateTimeField(_("endorsed at"), null=True, blank=True)
    note = models.OneToOneField(
        "orders.DeliveryNote",
        verbose_name=_("outbound slip"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="non_sale_request",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("non-sale outbound request")
        verbose_name_plural = _("non-sale outbound requests")
        permissions = [
            ("submit_nonsalerequest", _("Can write and submit a request report")),
            ("check_nonsalerequest", _("Can give the accountant's opinion on a request report")),
            ("endorse_nonsalerequest", _("Can give the manager's opinion on a request report")),
            ("approve_nonsalerequest", _("Can approve a request report at their level")),
            ("cancel_nonsalerequest", _("Can cancel a request report")),
            ("issue_nonsale_slip", _("Can issue the outbound slip of an approved request")),
        ]
        indexes = [models.Index(fields=["-created_at", "-id"], name="nonsale_newest_first")]
        constraints = [
            models.CheckConstraint(condition=Q(total_cost__gte=0), name="nonsale_cost_ge0"),
            models.CheckConstraint(
                condition=Q(purpose__in=["advertising", "gift", "prize"]),
                name="nonsale_purpose_not_sample",
            ),
        ]

    @condition(_("Write the accountant's opinion."), code="opinion_required")
    def has_accountant_opinion(self) -> bool:
        return bool(self.accountant_opinion.strip())

    @condition(_("Write the manager's opinion."), code="opinion_required")
    def has_manager_opinion(self) -> bool:
        return bool(self.manager_opinion.strip())

    @transition(
        status,
        source=RequestStatus.DRAFT,
        target=RequestStatus.SUBMITTED,
        conditions=[OutboundDocument.has_lines],
        permission="outbound.submit_nonsalerequest",
    )
    def submit(self, *, at):
        self.submitted_at = at

    @transition(
        status,
        source=RequestStatus.SUBMITTED,
        target=RequestStatus.CHECKED,
        conditions=[has_accountant_opinion],
        permission="outbound.check_nonsalerequest",
    )
    def accountant_check(self, *, by, at):
        self.checked_by, self.checked_at = by, at

    @transition(
        status,
        source=RequestStatus.CHECKED,
        target=RequestStatus.ENDORSED,
        conditions=[has_manager_opinion],
        permission="outbound.endorse_nonsalerequest",
    )
    def endorse(self, *, by, at, level):
        self.endorsed_by, self.endorsed_at, self.waiting_level = by, at, level

    @transition(
        status,
        source=RequestStatus.ENDORSED,
        target=RequestStatus.ENDORSED,
        conditions=[OutboundDocument.is_waiting_for_approval],
        permission="outbound.approve_nonsalerequest",
    )
    def forward(self, *, level):
        """Beyond the approver's limit: the next level decides."""
        self.waiting_level = level

    @transition(
        status,
        source=RequestStatus.ENDORSED,
        target=RequestStatus.APPROVED,
        conditions=[OutboundDocument.is_waiting_for_approval],
        permission="outbound.approve_nonsalerequest",
    )
    def approve(self, *, by, at):
        self.decided_by, self.decided_at, self.waiting_level = by, at, None

    @transition(
        status,
        source=RequestStatus.ENDORSED,
        target=RequestStatus.REJECTED,
        conditions=[
            OutboundDocument.is_waiting_for_approval,
            OutboundDocument.has_decision_comment,
        ],
        permission="outbound.approve_nonsalerequest",
    )
    def reject(self, *, by, at):
        self.decided_by, self.decided_at, self.waiting_level = by, at, None

    @transition(
        status,
        source=RequestStatus.APPROVED,
        target=RequestStatus.APPROVED,
        conditions=[OutboundDocument.has_no_live_slip],
        permission="outbound.issue_nonsale_slip",
    )
    def issue_slip(self, *, note):
        self.note = note

    @transition(
        status,
        source=[
            RequestStatus.DRAFT,
            RequestStatus.SUBMITTED,
            RequestStatus.CHECKED,
            RequestStatus.ENDORSED,
            RequestStatus.APPROVED,
        ],
        target=RequestStatus.CANCELLED,
        conditions=[OutboundDocument.has_cancel_reason, OutboundDocument.has_no_live_slip],
        permission="outbound.cancel_nonsalerequest",
    )
    def cancel(self):
        self.waiting_level = None


class OutboundLine(models.Model):
    product = models.ForeignKey(
        "inventory.Product", verbose_name=_("product"), on_delete=models.PROTECT
    )
    quantity = models.DecimalField(_("quantity"), **QTY)
    # The product's standard cost when the document was written.
    unit_cost = models.DecimalField(_("unit cost"), **MONEY)
    amount = models.DecimalField(_("value at cost"), **MONEY)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"


class SampleLine(OutboundLine):
    application = models.ForeignKey(
        SampleApplication, on_delete=models.CASCADE, related_name="lines"
    )

    class Meta:
        ordering = ["application", "id"]
        verbose_name = _("sample line")
        verbose_name_plural = _("sample lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="sample_line_quantity_gt0"),
            models.UniqueConstraint(fields=["application", "product"], name="sample_line_once"),
        ]


class NonSaleLine(OutboundLine):
    request = models.ForeignKey(NonSaleRequest, on_delete=models.CASCADE, related_name="lines")

    class Meta:
        ordering = ["request", "id"]
        verbose_name = _("request line")
        verbose_name_plural = _("request lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="nonsale_line_quantity_gt0"),
            models.UniqueConstraint(fields=["request", "product"], name="nonsale_line_once"),
        ]
