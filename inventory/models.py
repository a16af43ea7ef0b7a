from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from inventory.enums import MoveKind, Unit
from salesadmin.pinyin import NameInitials

QTY = {"max_digits": 14, "decimal_places": 3}


class Product(NameInitials, models.Model):
    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    specification = models.CharField(_("specification"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    standard = models.CharField(_("standard"), max_length=100, blank=True)
    unit_weight = models.DecimalField(
        _("unit weight (kg)"), **QTY, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    # Bulk goods are weighed on the weighbridge at dispatch; the actual
    # quantity may differ from the note within a tolerance.
    weighed = models.BooleanField(_("weighed at dispatch"), default=False)
    # A contract for a non-standard product, or one never produced before, is
    # a C contract: its requirements are reviewed before price and date are
    # promised (DESIGN.md, Contracts).
    non_standard = models.BooleanField(_("non-standard product"), default=False)
    never_produced = models.BooleanField(_("never produced before"), default=False)
    safety_stock = models.DecimalField(
        _("safety stock"), **QTY, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    active = models.BooleanField(_("active"), default=True)
    # A tool (工具) given as a sample needs the sales director (seed 002 2.2).
    # db_default: rows written by raw SQL (the benchmark generators) get it too.
    is_tool = models.BooleanField(_("tool"), default=False, db_default=False)
    # What a unit costs the company: samples and non-sale outbound are
    # reported at cost as selling expense.
    standard_cost = models.DecimalField(
        _("standard unit cost"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        db_default=Decimal("0.00"),
        validators=[MinValueValidator(0)],
    )

    class Meta:
        ordering = ["sku"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(
                condition=Q(safety_stock__gte=0), name="product_safety_stock_ge0"
            ),
            models.CheckConstraint(condition=Q(unit_weight__gte=0), name="product_unit_weight_ge0"),
            models.CheckConstraint(
                condition=Q(standard_cost__gte=0), name="product_standard_cost_ge0"
            ),
        ]

    def __str__(self) -> str:
        spec = f" {self.specification}" if self.specification else ""
        return f"{self.sku} {self.name}{spec}"


class Warehouse(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)
    # A held location (待处理/报废区) of another warehouse: returned goods that
    # failed inspection wait here for rework or scrapping. Its stock is on hand
    # but never available: nothing can be reserved or issued from it.
    holds_for = models.OneToOneField(
        "self",
        verbose_name=_("held location of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="held_location",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")

    def __str__(self) -> str:
        return self.name

    @property
    def is_held(self) -> bool:
        return self.holds_for_id is not None


class Location(models.Model):
    """A storage location (库位) inside a warehouse: a bay, shelf or yard area
    where its goods are put away. Stock is counted per warehouse; the location
    tells the keeper where to look. A warehouse's held location (returned goods
    that failed inspection) stays the separate ``Warehouse`` row above, so its
    stock is never available."""

    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="locations"
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["warehouse", "code"]
        verbose_name = _("storage location")
        verbose_name_plural = _("storage locations")
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse", "code"], name="location_code_unique_per_warehouse"
            )
        ]

    def __str__(self) -> str:
        return f"{self.warehouse.code}-{self.code} {self.name}"


class Batch(models.Model):
    """A production batch (生产批号) of one product."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="batches"
    )
    number = models.CharField(_("batch number"), max_length=40)
    produced_on = models.DateField(_("produced on"))

    class Meta:
        ordering = ["product", "produced_on", "number"]
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        constraints = [
            models.UniqueConstraint(fields=["product", "number"], name="batch_unique_per_product")
        ]

    def __str__(self) -> str:
        return self.number


class StockLevel(models.Model):
    """On hand and reserved for one product in one warehouse.

    Reservations are taken when a delivery note is issued, before the keeper
    picks a batch, so ``reserved`` lives here; on hand per batch is in
    BatchLevel. Both are kept in step with the ledgers in the same transaction.
    """

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="stock_levels")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="stock_levels")
    on_hand = models.DecimalField(_("on hand"), **QTY, default=Decimal("0"))
    reserved = models.DecimalField(_("reserved"), **QTY, default=Decimal("0"))

    class Meta:
        ordering = ["product", "warehouse"]
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.UniqueConstraint(fields=["product", "warehouse"], name="stock_level_unique"),
            # Stock is never negative, and never reserved beyond what is there.
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_on_hand_not_negative"),
            models.CheckConstraint(
                condition=Q(reserved__gte=0), name="stock_reserved_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")), name="stock_reserved_within_on_hand"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.warehouse_id}: {self.on_hand} ({self.reserved} reserved)"

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


class BatchLevel(models.Model):
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="batch_levels")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="batch_levels")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="levels")
    on_hand = models.DecimalField(_("on hand"), **QTY, default=Decimal("0"))

    class Meta:
        ordering = ["product", "warehouse", "batch__produced_on"]
        verbose_name = _("batch stock level")
        verbose_name_plural = _("batch stock levels")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "warehouse", "batch"], name="batch_level_unique"
            ),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="batch_on_hand_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}@{self.warehouse_id}: {self.on_hand}"


class StockMove(models.Model):
    """The append-only stock ledger. A database trigger refuses UPDATE/DELETE."""

    kind = models.CharField(_("kind"), max_length=20, choices=MoveKind.choices)
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="moves"
    )
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="moves"
    )
    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="moves"
    )
    # Signed: receipts and returns add, dispatches take away.
    quantity = models.DecimalField(_("quantity"), **QTY)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        permissions = [
            ("record_production_receipt", _("Can record a production receipt")),
            ("adjust_stock", _("Can adjust stock")),
            ("import_opening_stock", _("Can import opening stock")),
        ]
        indexes = [models.Index(fields=["product", "warehouse"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind__in=[MoveKind.PRODUCTION_RECEIPT, MoveKind.RETURN, MoveKind.OPENING],
                        quantity__gt=0,
                    )
                    | Q(kind=MoveKind.DISPATCH, quantity__lt=0)
                    | (Q(kind=MoveKind.ADJUSTMENT) & ~Q(quantity=0))
                ),
                name="stock_move_sign_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.product.sku} {self.quantity}"


class ReservationMove(models.Model):
    """Append-only ledger of reservations: + when a note reserves, − on release."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="reservations")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.DecimalField(_("quantity"), **QTY)
    reference = models.CharField(_("reference"), max_length=60)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reservation move")
        verbose_name_plural = _("reservation moves")
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="reservation_move_nonzero")
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.product_id} {self.quantity}"
