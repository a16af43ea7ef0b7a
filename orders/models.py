from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from orders.enums import Coverage, NoteStatus, OrderStatus, PickupMode, PriceSource
from salesadmin.clock import company_today
from salesadmin.transitions import condition

MONEY = {"max_digits": 14, "decimal_places": 2}


class PriceList(models.Model):
    """The standard price list (常用规格价格表), effective between two dates."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="price_list_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PriceListItem(models.Model):
    price_list = models.ForeignKey(
        PriceList, verbose_name=_("price list"), on_delete=models.CASCADE, related_name="items"
    )
    product = models.ForeignKey(
        "inventory.Product", verbose_name=_("product"), on_delete=models.PROTECT
    )
    standard_price = models.DecimalField(
        _("standard price"), **MONEY, validators=[MinValueValidator(0)]
    )
    # Below this, a manager must approve the order (DESIGN.md, sales order).
    minimum_price = models.DecimalField(
        _("minimum price"), **MONEY, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["price_list", "product"]
        verbose_name = _("price list item")
        verbose_name_plural = _("price list items")
        constraints = [
            models.UniqueConstraint(
                fields=["price_list", "product"], name="price_list_item_unique"
            ),
            models.CheckConstraint(
                condition=Q(minimum_price__gte=0) & Q(minimum_price__lte=F("standard_price")),
                name="price_list_minimum_within_standard",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.standard_price}"


# --- Sales orders (销售通知单) and delivery notes (发货单) -----------------------

QTY = {"max_digits": 14, "decimal_places": 3}


class SalesOrder(ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("contract number"), max_length=30, unique=True, null=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    order_date = models.DateField(_("order date"), default=company_today)
    pickup_mode = models.CharField(
        _("pickup mode"), max_length=20, choices=PickupMode.choices, default=PickupMode.SELF_PICKUP
    )
    remarks = models.CharField(_("remarks"), max_length=300, blank=True)
    status = FSMField(
        _("status"), default=OrderStatus.DRAFT, choices=OrderStatus.choices, protected=True
    )
    total = models.DecimalField(_("total"), **MONEY, default=Decimal("0.00"))
    # Why a manager must look at it: [{"code": ..., "detail": ...}]
    approval_reasons = models.JSONField(_("approval reasons"), default=list, blank=True)
    decision_comment = models.CharField(_("decision comment"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        permissions = [
            ("submit_salesorder", _("Can submit a sales order")),
            ("approve_salesorder", _("Can approve or reject a sales order")),
            ("cancel_salesorder", _("Can cancel a sales order")),
        ]
        indexes = [
            models.Index(fields=["status"]),
            # Lists show the newest first: read from the index, not sorted whole.
            models.Index(fields=["-created_at", "-id"], name="order_newest_first"),
        ]

    def __str__(self) -> str:
        return self.number or _("draft order %(id)s") % {"id": self.pk}

    # Conditions ---------------------------------------------------------------
    @condition(_("An order needs at least one line."))
    def has_lines(self) -> bool:
        return self.lines.exists()

    @condition(_("The order has no reason to wait for a manager."))
    def needs_no_approval(self) -> bool:
        return not self.approval_reasons

    @condition(_("Delivery notes are still open for this order."))
    def has_no_open_notes(self) -> bool:
        if self.status in (OrderStatus.DRAFT, OrderStatus.SUBMITTED):
            return True  # notes are issued only from approved orders
        return not self.delivery_notes.filter(
            status__in=[
                NoteStatus.ISSUED,
                NoteStatus.STAMPED,
                NoteStatus.DISPATCHED,
                NoteStatus.AWAITING_TOPUP,
                NoteStatus.EXITED,
            ]
        ).exists()

    # Transitions: bodies only set fields; services run them ---------------------
    @transition(
        status,
        source=OrderStatus.DRAFT,
        target=OrderStatus.SUBMITTED,
        conditions=[has_lines],
        permission="orders.submit_salesorder",
    )
    def submit(self, *, at):
        self.submitted_at = at

    @transition(
        status,
        source=OrderStatus.SUBMITTED,
        target=OrderStatus.APPROVED,
        conditions=[needs_no_approval],
        permission="orders.submit_salesorder",
    )
    def approve_automatically(self, *, at):
        self.decided_at = at

    @transition(
        status,
        source=OrderStatus.SUBMITTED,
        target=OrderStatus.APPROVED,
        permission="orders.approve_salesorder",
    )
    def approve(self, *, by, at, remark=""):
        self.decided_by, self.decided_at, self.decision_comment = by, at, remark

    @transition(
        status,
        source=OrderStatus.SUBMITTED,
        target=OrderStatus.REJECTED,
        permission="orders.approve_salesorder",
    )
    def reject(self, *, by, at, remark):
        self.decided_by, self.decided_at, self.decision_comment = by, at, remark

    @transition(
        status,
        source=OrderStatus.REJECTED,
        target=OrderStatus.DRAFT,
        permission="orders.submit_salesorder",
    )
    def revise(self):
        self.approval_reasons = []

    @transition(
        status,
        source=[OrderStatus.APPROVED, OrderStatus.PARTIALLY_DELIVERED],
        target=OrderStatus.PARTIALLY_DELIVERED,
    )
    def deliver_partly(self):
        pass

    @transition(
        status,
        source=[OrderStatus.APPROVED, OrderStatus.PARTIALLY_DELIVERED],
        target=OrderStatus.COMPLETED,
    )
    def complete(self):
        pass

    @transition(
        status,
        source=[
            OrderStatus.DRAFT,
            OrderStatus.SUBMITTED,
            OrderStatus.APPROVED,
            OrderStatus.REJECTED,
        ],
        target=OrderStatus.CANCELLED,
        conditions=[has_no_open_notes],
        permission="orders.cancel_salesorder",
    )
    def cancel(self):
        pass


class SalesOrderLine(models.Model):
    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    product = models.ForeignKey(
        "inventory.Product", verbose_name=_("product"), on_delete=models.PROTECT
    )
    quantity = models.DecimalField(_("quantity"), **QTY)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)
    price_source = models.CharField(_("price from"), max_length=20, choices=PriceSource.choices)
    # The price list's figures when the line was priced, kept for the manager.
    list_price = models.DecimalField(_("list price"), **MONEY, null=True, blank=True)
    minimum_price = models.DecimalField(_("minimum price"), **MONEY, null=True, blank=True)

    class Meta:
        ordering = ["order", "position", "id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_gt0"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="order_line_price_ge0"),
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"


# A note is valid only on the day it is issued (当天内有效); one still open
# (issued or stamped) after that day is stale and expires.
OPEN_NOTE_STATUSES = (NoteStatus.ISSUED, NoteStatus.STAMPED)


class DeliveryNoteQuerySet(models.QuerySet):
    def stale(self, today: dt.date | None = None) -> DeliveryNoteQuerySet:
        """Notes that expire: the rule of DeliveryNote.is_stale_on, for many notes
        (the index on status and issue date serves it)."""
        return self.filter(status__in=OPEN_NOTE_STATUSES, issue_date__lt=today or company_today())


class DeliveryNote(ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("delivery note number"), max_length=30, unique=True, null=True)
    order = models.ForeignKey(
        SalesOrder,
        verbose_name=_("sales order"),
        on_delete=models.PROTECT,
        related_name="delivery_notes",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="delivery_notes",
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT
    )
    issue_date = models.DateField(_("issue date"))
    vehicle_plate = models.CharField(_("vehicle plate"), max_length=20, blank=True)
    driver = models.CharField(_("driver"), max_length=50, blank=True)
    status = FSMField(
        _("status"), default=NoteStatus.ISSUED, choices=NoteStatus.choices, protected=True
    )
    value = models.DecimalField(_("value"), **MONEY)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    # Finance stamp (财务签章)
    coverage = models.CharField(
        _("covered by"), max_length=20, choices=Coverage.choices, blank=True
    )
    covered_amount = models.DecimalField(_("covered amount"), **MONEY, default=Decimal("0.00"))
    stamped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    stamped_at = models.DateTimeField(null=True, blank=True)
    override_reason = models.CharField(_("override reason"), max_length=300, blank=True)
    # Warehouse dispatch (仓库出库)
    actual_value = models.DecimalField(_("actual value"), **MONEY, null=True, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    dispatched_at = models.DateTimeField(null=True, blank=True)
    # The exit pass: a random code; the QR carries it signed (orders/services/exit_pass.py).
    pass_code = models.CharField(max_length=16, unique=True)
    cancel_reason = models.CharField(_("cancel reason"), max_length=300, blank=True)

    objects = DeliveryNoteQuerySet.as_manager()

    # How what the note still needs is covered now (a Coverage value; None: not
    # covered): its value while issued, what the customer owes once the loaded
    # value is charged and it awaits a top-up. Finance decides it; the stamp and
    # top-up services ask under the customer's lock, pages before offering the
    # buttons (orders.note_selectors.note_coverage). The conditions only read it.
    coverage_found: str | None = None

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("delivery note")
        verbose_name_plural = _("delivery notes")
        permissions = [
            ("issue_deliverynote", _("Can issue a delivery note")),
            ("cancel_deliverynote", _("Can cancel a delivery note")),
            ("stamp_deliverynote", _("Can stamp a delivery note (finance)")),
            ("override_stamp_deliverynote", _("Can stamp an uncovered note with a reason")),
            ("dispatch_deliverynote", _("Can dispatch a delivery note (warehouse)")),
            ("exit_deliverynote", _("Can let a truck out at the gate")),
        ]
        indexes = [
            models.Index(fields=["status", "issue_date"]),
            models.Index(fields=["-issued_at", "-id"], name="note_newest_first"),
            # What finance has stamped but the warehouse not yet loaded counts
            # against the customer's credit (finance.credit): a handful of rows
            # per customer, found without reading the customer's whole history.
            # Not a partial index: the query's status is a parameter, and a
            # prepared statement's generic plan cannot use one.
            models.Index(
                fields=["customer", "status"],
                include=["covered_amount"],
                name="note_customer_status",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="note_value_ge0"),
        ]

    def __str__(self) -> str:
        return self.number or _("note %(id)s") % {"id": self.pk}

    # Conditions ---------------------------------------------------------------
    def is_stale_on(self, today: dt.date) -> bool:
        """Still open after its issue day: the note expires (当天内有效).
        DeliveryNote.objects.stale(today) is the same rule in SQL."""
        return self.status in OPEN_NOTE_STATUSES and self.issue_date < today

    @condition(_("The note was valid only on its issue day; it has expired. Reissue it."))
    def is_today(self) -> bool:
        """Stamp, dispatch and the gate act only on the note's issue day."""
        return self.issue_date == company_today()

    @condition(_("The note is still valid today."))
    def is_stale(self) -> bool:
        return self.is_stale_on(company_today())

    @condition(_("The customer's payment or credit does not cover this note."))
    def is_covered(self) -> bool:
        return self.coverage_found is not None

    @condition(_("The customer's payment or credit does not cover what was loaded."))
    def is_topped_up(self) -> bool:
        return self.coverage_found is not None

    @condition(_("A manager's override needs a written reason."))
    def has_override_reason(self) -> bool:
        return bool(self.override_reason.strip())

    # Transitions --------------------------------------------------------------
    @transition(
        status,
        source=NoteStatus.ISSUED,
        target=NoteStatus.STAMPED,
        conditions=[is_today, is_covered],
        permission="orders.stamp_deliverynote",
    )
    def stamp(self, *, by, at, amount):
        self.stamped_by, self.stamped_at = by, at
        self.coverage, self.covered_amount = self.coverage_found, amount

    @transition(
        status,
        source=NoteStatus.ISSUED,
        target=NoteStatus.STAMPED,
        conditions=[is_today, has_override_reason],
        permission="orders.override_stamp_deliverynote",
    )
    def stamp_override(self, *, by, at, amount):
        self.stamped_by, self.stamped_at = by, at
        self.coverage, self.covered_amount = Coverage.OVERRIDE, amount

    @transition(
        status,
        source=NoteStatus.STAMPED,
        target=NoteStatus.DISPATCHED,
        conditions=[is_today],
        permission="orders.dispatch_deliverynote",
    )
    def dispatch(self, *, by, at, actual_value):
        self.dispatched_by, self.dispatched_at, self.actual_value = by, at, actual_value

    @transition(
        status,
        source=NoteStatus.STAMPED,
        target=NoteStatus.AWAITING_TOPUP,
        conditions=[is_today],
        permission="orders.dispatch_deliverynote",
    )
    def dispatch_over_coverage(self, *, by, at, actual_value):
        self.dispatched_by, self.dispatched_at, self.actual_value = by, at, actual_value

    @transition(
        status,
        source=NoteStatus.AWAITING_TOPUP,
        target=NoteStatus.DISPATCHED,
        conditions=[is_topped_up],
        permission="orders.stamp_deliverynote",
    )
    def restamp(self, *, by, at):
        self.stamped_by, self.stamped_at = by, at
        self.covered_amount = self.actual_value

    @transition(
        status,
        source=NoteStatus.AWAITING_TOPUP,
        target=NoteStatus.DISPATCHED,
        conditions=[has_override_reason],
        permission="orders.override_stamp_deliverynote",
    )
    def restamp_override(self, *, by, at):
        self.stamped_by, self.stamped_at = by, at
        self.coverage, self.covered_amount = Coverage.OVERRIDE, self.actual_value

    @transition(
        status,
        source=NoteStatus.DISPATCHED,
        target=NoteStatus.EXITED,
        conditions=[is_today],
        permission="orders.exit_deliverynote",
    )
    def exit(self):
        pass

    @transition(
        status,
        source=[NoteStatus.ISSUED, NoteStatus.STAMPED],
        target=NoteStatus.CANCELLED,
        permission="orders.cancel_deliverynote",
    )
    def cancel(self, *, reason):
        self.cancel_reason = reason

    @transition(
        status,
        source=list(OPEN_NOTE_STATUSES),
        target=NoteStatus.EXPIRED,
        conditions=[is_stale],
    )
    def expire(self):
        pass

    # Cheap predicates for pages -------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.status in OPEN_NOTE_STATUSES


class DeliveryNoteLine(models.Model):
    note = models.ForeignKey(DeliveryNote, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        SalesOrderLine, on_delete=models.PROTECT, related_name="note_lines"
    )
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT)
    quantity = models.DecimalField(_("quantity"), **QTY)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)
    actual_quantity = models.DecimalField(_("actual quantity"), **QTY, null=True, blank=True)

    class Meta:
        ordering = ["note", "id"]
        verbose_name = _("delivery note line")
        verbose_name_plural = _("delivery note lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="note_line_quantity_gt0"),
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"


class DispatchAllocation(models.Model):
    """Which batch (生产批号) and how much of it went onto the truck for a line."""

    note_line = models.ForeignKey(
        DeliveryNoteLine, on_delete=models.PROTECT, related_name="allocations"
    )
    batch = models.ForeignKey("inventory.Batch", on_delete=models.PROTECT)
    quantity = models.DecimalField(_("quantity"), **QTY)
    stock_move = models.OneToOneField("inventory.StockMove", on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("dispatch allocation")
        verbose_name_plural = _("dispatch allocations")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="allocation_quantity_gt0"),
        ]

    def __str__(self) -> str:
        return f"{self.batch} × {self.quantity}"


class GateExit(models.Model):
    """The truck left. One per note, enforced by the database: a pass is single use."""

    note = models.OneToOneField(DeliveryNote, on_delete=models.PROTECT, related_name="gate_exit")
    vehicle_plate = models.CharField(_("vehicle plate"), max_length=20)
    exited_at = models.DateTimeField(_("exit time"), auto_now_add=True)
    guard = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("gate exit")
        verbose_name_plural = _("gate exits")

    def __str__(self) -> str:
        return f"{self.note} {self.vehicle_plate} {self.exited_at:%Y-%m-%d %H:%M}"


class GateCheck(models.Model):
    """Every scan at the gate, PASS or STOP, for the record."""

    scanned_at = models.DateTimeField(auto_now_add=True)
    guard = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.ForeignKey(DeliveryNote, on_delete=models.PROTECT, null=True, blank=True)
    passed = models.BooleanField()
    reason = models.CharField(max_length=40)
    raw = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-scanned_at", "-id"]

    def __str__(self) -> str:
        return f"{self.scanned_at:%H:%M} {'PASS' if self.passed else 'STOP'} {self.reason}"
