"""Sales targets (销售目标): the company's yearly target, broken down by month
and salesperson and optionally by product group, drafted by the sales
department and approved by a manager. A revision is a new version of the
year's target; the approved version in force is what progress reads, and the
versions it replaced stay as its history."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition

from inventory.enums import Unit
from sales.enums import TargetStatus
from salesadmin.transitions import condition

MONEY = {"max_digits": 14, "decimal_places": 2}
QTY = {"max_digits": 14, "decimal_places": 3}
OPEN_STATES = [TargetStatus.DRAFT, TargetStatus.SUBMITTED]


class ProductGroup(models.Model):
    """Products reviewed together at the monthly meeting (e.g. bottled gas,
    liquid gas). A group with a unit also carries target quantities."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, blank=True)
    products = models.ManyToManyField(
        "inventory.Product",
        through="ProductGroupMember",
        verbose_name=_("products"),
        related_name="+",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("product group")
        verbose_name_plural = _("product groups")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProductGroupMember(models.Model):
    group = models.ForeignKey(ProductGroup, on_delete=models.CASCADE, related_name="members")
    # A product counts in one group only, so group figures add up.
    product = models.OneToOneField(
        "inventory.Product", on_delete=models.CASCADE, related_name="target_group_member"
    )

    class Meta:
        verbose_name = _("product group member")
        verbose_name_plural = _("product group members")

    def __str__(self) -> str:
        return f"{self.group_id}: {self.product_id}"


class SalesTarget(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = FSMField(
        _("status"), default=TargetStatus.DRAFT, choices=TargetStatus.choices, protected=True
    )
    revises = models.ForeignKey(
        "self",
        verbose_name=_("revises"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
    )
    reason = models.CharField(_("reason for the revision"), max_length=300, blank=True)
    decision_comment = models.CharField(_("approver's comment"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "-version"]
        verbose_name = _("sales target")
        verbose_name_plural = _("sales targets")
        permissions = [
            ("submit_salestarget", _("Can submit a sales target for approval")),
            ("approve_salestarget", _("Can approve a sales target")),
            ("view_target_progress", _("Can see every salesperson's target progress")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="sales_target_version_unique"),
            # One target in force per year, and one revision in the making.
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(status=TargetStatus.APPROVED),
                name="sales_target_one_approved_per_year",
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(status__in=OPEN_STATES),
                name="sales_target_one_open_revision_per_year",
            ),
        ]

    def __str__(self) -> str:
        return _("Sales target %(year)s v%(version)s") % {
            "year": self.year,
            "version": self.version,
        }

    @property
    def number(self) -> str:
        return f"T{self.year}-v{self.version}"

    @condition(_("A target needs at least one line."), code="no_lines")
    def has_lines(self) -> bool:
        return self.lines.exists()

    @transition(
        status,
        source=TargetStatus.DRAFT,
        target=TargetStatus.SUBMITTED,
        conditions=[has_lines],
        permission="sales.submit_salestarget",
    )
    def submit(self, *, at):
        self.submitted_at = at

    @transition(
        status,
        source=TargetStatus.SUBMITTED,
        target=TargetStatus.APPROVED,
        permission="sales.approve_salestarget",
    )
    def approve(self, *, at, by, remark=""):
        self.approved_at, self.approved_by, self.decision_comment = at, by, remark

    @transition(
        status,
        source=TargetStatus.SUBMITTED,
        target=TargetStatus.DRAFT,
        permission="sales.approve_salestarget",
    )
    def reject(self, *, remark=""):
        self.decision_comment = remark

    # Run by the approval of the next version: no one's own action.
    @transition(status, source=TargetStatus.APPROVED, target=TargetStatus.SUPERSEDED)
    def supersede(self):
        pass


class SalesTargetLine(models.Model):
    """One month's target for one salesperson: the total (no product group)
    or one product group's part of it."""

    target = models.ForeignKey(SalesTarget, on_delete=models.CASCADE, related_name="lines")
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    product_group = models.ForeignKey(
        ProductGroup,
        verbose_name=_("product group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    quantity = models.DecimalField(_("quantity"), **QTY, null=True, blank=True)

    class Meta:
        ordering = ["target", "month", "salesperson_id", "product_group_id"]
        verbose_name = _("sales target line")
        verbose_name_plural = _("sales target lines")
        constraints = [
            models.UniqueConstraint(
                fields=["target", "month", "salesperson", "product_group"],
                nulls_distinct=False,
                name="sales_target_line_unique",
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="sales_target_line_month"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="sales_target_line_amount"),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="sales_target_line_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target_id} {self.month} {self.salesperson_id}: {self.amount}"
