"""Contracts (合同, seed 002 1.1): what a B or C contract needs beyond the sales
order that is the contract.

- ProductionTask (生产任务通知单): per product, the shortfall production must make,
  registered with a tracker (专人跟踪) and closed when its quantity is received.
- PreparationSlip (备货单): the in-stock part of a partly in-stock contract, held
  for it in the stock ledger's reservations until its delivery notes take it over.
- RequirementReview (产品要求评审表): a C contract's requirements and the
  departments' opinions; price and date are confirmed only when all said yes.
- FollowUp (回访): the call a few days after delivery.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from contracts.enums import FollowUpStatus, ReviewStatus, TaskStatus
from salesadmin.clock import company_today
from salesadmin.transitions import condition

QTY = {"max_digits": 14, "decimal_places": 3}


class Department(models.Model):
    """A department that gives its opinion on a product requirement review
    (technology, production, quality...): the list is configuration. When it
    has members, only they record its opinion."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("reviewing department")
        verbose_name_plural = _("reviewing departments")

    def __str__(self) -> str:
        return self.name


class ProductionTask(ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("number"), max_length=30, unique=True, null=True)
    order = models.ForeignKey(
        "orders.SalesOrder",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="production_tasks",
    )
    product = models.ForeignKey(
        "inventory.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(_("quantity"), **QTY)
    received_quantity = models.DecimalField(_("received"), **QTY, default=Decimal("0"))
    requested_date = models.DateField(_("requested date"))
    tracker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tracker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = FSMField(
        _("status"), default=TaskStatus.OPEN, choices=TaskStatus.choices, protected=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["requested_date", "id"]
        verbose_name = _("production task notice")
        verbose_name_plural = _("production task notices")
        permissions = [
            ("track_productiontask", _("Can assign trackers and dates of production tasks")),
        ]
        indexes = [models.Index(fields=["product", "status", "requested_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="task_quantity_gt0"),
            models.CheckConstraint(
                condition=Q(received_quantity__gte=0) & Q(received_quantity__lte=F("quantity")),
                name="task_received_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return self.number or _("task %(id)s") % {"id": self.pk}

    @property
    def open_quantity(self) -> Decimal:
        return self.quantity - self.received_quantity

    @property
    def is_late(self) -> bool:
        return self.status == TaskStatus.OPEN and self.requested_date < company_today()

    @condition(_("The task's quantity is not all received yet."), code="not_received")
    def is_received(self) -> bool:
        return self.received_quantity >= self.quantity

    # Closed by the receipt that brings its last units: the system, not a role.
    @transition(status, source=TaskStatus.OPEN, target=TaskStatus.CLOSED, conditions=[is_received])
    def close(self, *, at):
        self.closed_at = at

    # Its contract was cancelled.
    @transition(status, source=TaskStatus.OPEN, target=TaskStatus.CANCELLED)
    def cancel(self, *, at):
        self.closed_at = at


class ProductionReceiptLink(models.Model):
    """A production receipt (产成品入库) counted against a task. Append-only."""

    task = models.ForeignKey(ProductionTask, on_delete=models.PROTECT, related_name="receipts")
    move = models.ForeignKey("inventory.StockMove", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), **QTY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="receipt_link_quantity_gt0")
        ]

    def __str__(self) -> str:
        return f"{self.task_id} <- {self.move_id}: {self.quantity}"


class PreparationSlip(models.Model):
    """备货单: the warehouse holds these units for the contract."""

    number = models.CharField(_("number"), max_length=30, unique=True, null=True)
    order = models.OneToOneField(
        "orders.SalesOrder",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="preparation_slip",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("stock preparation slip")
        verbose_name_plural = _("stock preparation slips")

    def __str__(self) -> str:
        return self.number or ""

    @property
    def reference(self) -> str:
        return f"slip:{self.pk}"


class PreparationLine(models.Model):
    """What the slip reserved of a product in a warehouse (``quantity``, growing
    as production receipts arrive), what delivery notes took over from it and
    what was given back (the contract cancelled). Held = the rest."""

    slip = models.ForeignKey(PreparationSlip, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "inventory.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        verbose_name=_("warehouse"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    quantity = models.DecimalField(_("reserved"), **QTY, default=Decimal("0"))
    taken_over = models.DecimalField(_("taken by notes"), **QTY, default=Decimal("0"))
    released = models.DecimalField(_("released"), **QTY, default=Decimal("0"))

    class Meta:
        ordering = ["slip", "product", "warehouse"]
        constraints = [
            models.UniqueConstraint(
                fields=["slip", "product", "warehouse"], name="preparation_line_unique"
            ),
            models.CheckConstraint(
                condition=Q(taken_over__gte=0)
                & Q(released__gte=0)
                & Q(quantity__gte=F("taken_over") + F("released")),
                name="preparation_never_overtaken",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slip_id} {self.product_id}@{self.warehouse_id}: {self.quantity}"

    @property
    def held(self) -> Decimal:
        return self.quantity - self.taken_over - self.released


class RequirementReview(ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("number"), max_length=30, unique=True, null=True)
    order = models.OneToOneField(
        "orders.SalesOrder",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="requirement_review",
    )
    requirements = models.TextField(_("customer's requirements"))
    status = FSMField(
        _("status"), default=ReviewStatus.OPEN, choices=ReviewStatus.choices, protected=True
    )
    promised_date = models.DateField(_("promised delivery date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("product requirement review")
        verbose_name_plural = _("product requirement reviews")
        permissions = [
            ("confirm_requirementreview", _("Can confirm price and date after the review")),
            ("give_opinion", _("Can give a department's opinion on a requirement review")),
        ]

    def __str__(self) -> str:
        return self.number or ""

    @condition(
        _("Every department must have said yes before price and date are confirmed."),
        code="departments_not_agreed",
    )
    def all_departments_agree(self) -> bool:
        # The service hands the answer it read under the review's lock.
        return bool(getattr(self, "departments_agreed", False))

    @transition(
        status,
        source=ReviewStatus.OPEN,
        target=ReviewStatus.CONFIRMED,
        conditions=[all_departments_agree],
        permission="contracts.confirm_requirementreview",
    )
    def confirm(self, *, by, at, promised_date):
        self.confirmed_by, self.confirmed_at, self.promised_date = by, at, promised_date

    @transition(
        status,
        source=ReviewStatus.OPEN,
        target=ReviewStatus.CANCELLED,
        permission="contracts.add_requirementreview",
    )
    def cancel(self):
        pass


class ReviewOpinion(models.Model):
    """One department's opinion and yes/no; a department may change its word
    while the review is open (each change is in the transition log)."""

    review = models.ForeignKey(RequirementReview, on_delete=models.CASCADE, related_name="opinions")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    agreed = models.BooleanField(_("agreed"))
    opinion = models.CharField(_("opinion"), max_length=500, blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["department__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "department"], name="one_opinion_per_dept")
        ]

    def __str__(self) -> str:
        return f"{self.review_id} {self.department_id}: {self.agreed}"


class FollowUp(models.Model):
    """回访: a few days after the goods left, the clerk calls the customer."""

    order = models.OneToOneField(
        "orders.SalesOrder",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="follow_up",
    )
    due_date = models.DateField(_("call on"))
    status = models.CharField(
        _("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.DUE
    )
    received_ok = models.BooleanField(_("received in good order"), null=True)
    remarks = models.CharField(_("remarks"), max_length=500, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("follow-up call")
        verbose_name_plural = _("follow-up calls")
        permissions = [("record_followup", _("Can record a follow-up call"))]
        indexes = [models.Index(fields=["status", "due_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=FollowUpStatus.DUE) | Q(received_ok__isnull=False),
                name="follow_up_done_has_result",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.due_date}"
