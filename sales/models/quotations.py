"""Quotations (报价单): a price and delivery date offered to a customer or a
prospect, sent, then accepted (it becomes a sales order), declined or lapsed."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from orders.enums import PriceSource
from sales.enums import QuotationStatus
from salesadmin.clock import company_today
from salesadmin.transitions import condition

MONEY = {"max_digits": 14, "decimal_places": 2}
QTY = {"max_digits": 14, "decimal_places": 3}


class Quotation(ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("quotation number"), max_length=30, unique=True, null=True)
    # A customer, or a prospect (a name and a contact) when there is none yet;
    # a prospect's quotation gets its customer when it is accepted.
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="quotations",
        null=True,
        blank=True,
    )
    prospect_name = models.CharField(_("prospect"), max_length=200, blank=True)
    prospect_contact = models.CharField(_("prospect contact"), max_length=200, blank=True)
    quote_date = models.DateField(_("quotation date"), default=company_today)
    valid_until = models.DateField(_("valid until"))
    delivery_date = models.DateField(_("delivery date"))
    terms = models.TextField(_("terms"), blank=True)
    status = FSMField(
        _("status"), default=QuotationStatus.DRAFT, choices=QuotationStatus.choices, protected=True
    )
    total = models.DecimalField(_("total"), **MONEY, default=Decimal("0.00"))
    sales_order = models.OneToOneField(
        "orders.SalesOrder",
        verbose_name=_("sales order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotation",
    )
    decision_comment = models.CharField(_("decision comment"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")
        permissions = [
            ("send_quotation", _("Can send a quotation")),
            ("decide_quotation", _("Can record a customer's acceptance or refusal of a quotation")),
        ]
        indexes = [models.Index(fields=["status", "valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=False) | ~Q(prospect_name=""),
                name="quotation_customer_or_prospect",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("quote_date")),
                name="quotation_valid_after_date",
            ),
        ]

    def __str__(self) -> str:
        return self.number or _("draft quotation %(id)s") % {"id": self.pk}

    @property
    def party(self) -> str:
        return str(self.customer) if self.customer_id else self.prospect_name

    # Conditions ---------------------------------------------------------------
    @condition(_("A quotation needs at least one line."), code="no_lines")
    def has_lines(self) -> bool:
        return self.lines.exists()

    @condition(_("The quotation's validity has ended."), code="quotation_expired")
    def is_still_valid(self) -> bool:
        return self.valid_until >= company_today()

    @condition(_("The quotation is still valid."), code="still_valid")
    def has_expired(self) -> bool:
        return self.valid_until < company_today()

    @condition(
        _("A quotation for a prospect needs a customer before it is accepted."),
        code="customer_required",
    )
    def has_customer(self) -> bool:
        return self.customer_id is not None

    # Transitions: bodies only set fields; services run them ---------------------
    @transition(
        status,
        source=QuotationStatus.DRAFT,
        target=QuotationStatus.SENT,
        conditions=[has_lines, is_still_valid],
        permission="sales.send_quotation",
    )
    def send(self, *, at):
        self.sent_at = at

    @transition(
        status,
        source=QuotationStatus.SENT,
        target=QuotationStatus.ACCEPTED,
        conditions=[is_still_valid, has_customer],
        permission="sales.decide_quotation",
    )
    def accept(self, *, at, order):
        self.decided_at, self.sales_order = at, order

    @transition(
        status,
        source=QuotationStatus.SENT,
        target=QuotationStatus.DECLINED,
        permission="sales.decide_quotation",
    )
    def decline(self, *, at, remark=""):
        self.decided_at, self.decision_comment = at, remark

    # The beat job's: no one's permission, only the date.
    @transition(
        status,
        source=QuotationStatus.SENT,
        target=QuotationStatus.LAPSED,
        conditions=[has_expired],
    )
    def lapse(self, *, at):
        self.decided_at = at


class QuotationLine(models.Model):
    quotation = models.ForeignKey(Quotation, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    product = models.ForeignKey(
        "inventory.Product", verbose_name=_("product"), on_delete=models.PROTECT
    )
    quantity = models.DecimalField(_("quantity"), **QTY)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)
    price_source = models.CharField(_("price from"), max_length=20, choices=PriceSource.choices)
    list_price = models.DecimalField(_("list price"), **MONEY, null=True, blank=True)
    minimum_price = models.DecimalField(_("minimum price"), **MONEY, null=True, blank=True)

    class Meta:
        ordering = ["quotation", "position", "id"]
        verbose_name = _("quotation line")
        verbose_name_plural = _("quotation lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="quotation_line_quantity_gt0"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="quotation_line_price_ge0"),
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"
