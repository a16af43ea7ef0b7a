"""Price lists (常用规格价格表) and sales orders (销售通知单) with their lines."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from orders.enums import ContractType, NoteStatus, OrderStatus, PickupMode, PriceSource
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


# --- Sales orders (销售通知单) -------------------------------------------------------

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
    # The contract (合同): the order is the contract and its number the contract
    # number. The type is proposed at entry from available stock and the
    # products' flags (orders/services/contract_type.py).
    contract_type = models.CharField(
        _("contract type"), max_length=1, choices=ContractType.choices, default=ContractType.A
    )
    # A formal contract (prepaid customer, large amount, C) is reviewed: the
    # department head checks, the sales director approves (approvals/). Set at
    # submit; review_level is the level it waits at while submitted.
    formal = models.BooleanField(_("formal contract"), default=False)
    review_level = models.ForeignKey(
        "approvals.ApprovalLevel",
        verbose_name=_("waiting for"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A C contract's requirement review confirmed price and delivery date.
    requirements_confirmed_at = models.DateTimeField(
        _("requirements confirmed at"), null=True, blank=True
    )
    promised_date = models.DateField(_("promised delivery date"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        permissions = [
            ("submit_salesorder", _("Can submit a sales order")),
            ("approve_salesorder", _("Can approve or reject a sales order")),
            ("cancel_salesorder", _("Can cancel a sales order")),
            ("review_contract", _("Can review a formal contract")),
        ]
        indexes = [
            models.Index(fields=["status"]),
            # Lists show the newest first: read from the index, not sorted whole.
            models.Index(fields=["-created_at", "-id"], name="order_newest_first"),
        ]

    def __str__(self) -> str:
        return self.number or _("draft order %(id)s") % {"id": self.pk}

    # Conditions ---------------------------------------------------------------
    @condition(_("An order needs at least one line."), code="no_lines")
    def has_lines(self) -> bool:
        return self.lines.exists()

    @condition(_("The order has no reason to wait for a manager."), code="approval_required")
    def needs_no_approval(self) -> bool:
        return not self.approval_reasons

    @condition(
        _("A formal contract is reviewed by the department head and the sales director."),
        code="contract_review_required",
    )
    def is_verbal(self) -> bool:
        return not self.formal

    @condition(_("Only a formal contract goes through the contract review."), code="not_formal")
    def is_formal(self) -> bool:
        return self.formal

    @condition(
        _("A C contract's requirement review must confirm price and delivery date first."),
        code="requirements_not_confirmed",
    )
    def has_confirmed_requirements(self) -> bool:
        return self.contract_type != ContractType.C or self.requirements_confirmed_at is not None

    @condition(_("Delivery notes are still open for this order."), code="open_notes")
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
        conditions=[has_lines, has_confirmed_requirements],
        permission="orders.submit_salesorder",
    )
    def submit(self, *, at, formal=False, review_level=None):
        self.submitted_at = at
        self.formal, self.review_level = formal, review_level

    @transition(
        status,
        source=OrderStatus.SUBMITTED,
        target=OrderStatus.APPROVED,
        conditions=[is_verbal, needs_no_approval],
        permission="orders.submit_salesorder",
    )
    def approve_automatically(self, *, at):
        self.decided_at = at

    @transition(
        status,
        source=OrderStatus.SUBMITTED,
        target=OrderStatus.APPROVED,
        conditions=[is_verbal],
        permission="orders.approve_salesorder",
    )
    def approve(self, *, by, at, remark=""):
        self.decided_by, self.decided_at, self.decision_comment = by, at, remark

    @transition(
        status,
        source=OrderStatus.SUBMITTED,
        target=OrderStatus.REJECTED,
        conditions=[is_verbal],
        permission="orders.approve_salesorder",
    )
    def reject(self, *, by, at, remark):
        self.decided_by, self.decided_at, self.decision_comment = by, at, remark

    # The contract review (合同评审): level by level through approvals/.
    @transition(
        status,
        source=OrderStatus.SUBMITTED,
        target=OrderStatus.SUBMITTED,
        conditions=[is_formal],
        permission="orders.review_contract",
    )
    def review_forward(self, *, level):
        self.review_level = level

    @transition(
        status,
        source=OrderStatus.SUBMITTED,
        target=OrderStatus.APPROVED,
        conditions=[is_formal],
        permission="orders.review_contract",
    )
    def review_approve(self, *, by, at, remark=""):
        self.review_level = None
        self.decided_by, self.decided_at, self.decision_comment = by, at, remark

    @transition(
        status,
        source=OrderStatus.SUBMITTED,
        target=OrderStatus.REJECTED,
        conditions=[is_formal],
        permission="orders.review_contract",
    )
    def review_reject(self, *, by, at, remark):
        self.review_level = None
        self.decided_by, self.decided_at, self.decision_comment = by, at, remark

    @transition(
        status,
        source=OrderStatus.REJECTED,
        target=OrderStatus.DRAFT,
        permission="orders.submit_salesorder",
    )
    def revise(self):
        self.approval_reasons = []
        self.formal, self.review_level = False, None

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
