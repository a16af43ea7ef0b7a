"""Delivery notes (发货单): the note and its state machine, its lines, what was
loaded from which batch, and the gate's exits and scans."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from orders.enums import Coverage, NoteKind, NoteStatus
from orders.models.sales_orders import MONEY, QTY, SalesOrder, SalesOrderLine
from salesadmin.clock import company_today
from salesadmin.transitions import condition

# A note is valid only on the day it is issued (当天内有效); one still open
# (issued or stamped) after that day is stale and expires.
OPEN_NOTE_STATUSES = (NoteStatus.ISSUED, NoteStatus.STAMPED)


class DeliveryNoteQuerySet(models.QuerySet):
    def stale(self, today: dt.date | None = None) -> DeliveryNoteQuerySet:
        """Notes that expire: the rule of DeliveryNote.is_stale_on, for many notes
        (the index on status and issue date serves it)."""
        return self.filter(status__in=OPEN_NOTE_STATUSES, issue_date__lt=today or company_today())

    def sales(self) -> DeliveryNoteQuerySet:
        """Notes of a sale: every sales figure, charge and commission reads only
        these (samples and non-sale outbound are expenses, never sales)."""
        return self.filter(kind=NoteKind.SALE)


class DeliveryNote(ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("delivery note number"), max_length=30, unique=True, null=True)
    # A sale's note has its order and customer; a non-sale note (sample,
    # advertising, gift, prize) has neither: its request (outbound app) links to it.
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=NoteKind.choices,
        default=NoteKind.SALE,
        db_default=NoteKind.SALE,  # rows written by raw SQL (benchmark generators) too
    )
    order = models.ForeignKey(
        SalesOrder,
        verbose_name=_("sales order"),
        on_delete=models.PROTECT,
        related_name="delivery_notes",
        null=True,
        blank=True,
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="delivery_notes",
        null=True,
        blank=True,
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
    # buttons (orders.selectors.delivery_notes.note_coverage). The conditions only read it.
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
            models.CheckConstraint(
                condition=Q(kind=NoteKind.SALE, order__isnull=False, customer__isnull=False)
                | (~Q(kind=NoteKind.SALE) & Q(order__isnull=True, customer__isnull=True)),
                name="note_sale_has_order",
            ),
        ]

    def __str__(self) -> str:
        return self.number or _("note %(id)s") % {"id": self.pk}

    # Conditions ---------------------------------------------------------------
    def is_stale_on(self, today: dt.date) -> bool:
        """Still open after its issue day: the note expires (当天内有效).
        DeliveryNote.objects.stale(today) is the same rule in SQL."""
        return self.status in OPEN_NOTE_STATUSES and self.issue_date < today

    @condition(
        _("The note was valid only on its issue day; it has expired. Reissue it."), code="other_day"
    )
    def is_today(self) -> bool:
        """Stamp, dispatch and the gate act only on the note's issue day."""
        return self.issue_date == company_today()

    @condition(_("The note is still valid today."), code="still_valid")
    def is_stale(self) -> bool:
        return self.is_stale_on(company_today())

    @condition(_("The customer's payment or credit does not cover this note."), code="not_covered")
    def is_covered(self) -> bool:
        return self.coverage_found is not None

    @condition(
        _("The customer's payment or credit does not cover what was loaded."), code="not_covered"
    )
    def is_topped_up(self) -> bool:
        return self.coverage_found is not None

    @condition(
        _("Goods out without a sale need no finance stamp: their approval is the release."),
        code="not_a_sale",
    )
    def is_sale(self) -> bool:
        return self.kind == NoteKind.SALE

    @condition(_("Only goods out without a sale are released by approval."), code="sale_note")
    def is_non_sale(self) -> bool:
        return self.kind != NoteKind.SALE

    @condition(_("A manager's override needs a written reason."), code="override_reason_required")
    def has_override_reason(self) -> bool:
        return bool(self.override_reason.strip())

    # Transitions --------------------------------------------------------------
    @transition(
        status,
        source=NoteStatus.ISSUED,
        target=NoteStatus.STAMPED,
        conditions=[is_sale, is_today, is_covered],
        permission="orders.stamp_deliverynote",
    )
    def stamp(self, *, by, at, amount):
        self.stamped_by, self.stamped_at = by, at
        self.coverage, self.covered_amount = self.coverage_found, amount

    @transition(
        status,
        source=NoteStatus.ISSUED,
        target=NoteStatus.STAMPED,
        conditions=[is_sale, is_today, has_override_reason],
        permission="orders.override_stamp_deliverynote",
    )
    def stamp_override(self, *, by, at, amount):
        self.stamped_by, self.stamped_at = by, at
        self.coverage, self.covered_amount = Coverage.OVERRIDE, amount

    @transition(
        status,
        source=NoteStatus.ISSUED,
        target=NoteStatus.STAMPED,
        conditions=[is_non_sale, is_today],
        permission="orders.issue_deliverynote",
    )
    def release(self, *, by, at):
        """Goods out without a sale: the approved request takes the finance
        stamp's place (logged with the request's number); nothing is charged."""
        self.stamped_by, self.stamped_at = by, at
        self.covered_amount = Decimal("0.00")

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
    # Empty on a non-sale note: its lines come from its request, at cost.
    order_line = models.ForeignKey(
        SalesOrderLine, on_delete=models.PROTECT, related_name="note_lines", null=True, blank=True
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
