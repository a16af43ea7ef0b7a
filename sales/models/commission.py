"""The commission basis (提成): a rule per salesperson or team, and each
month's statement per salesperson, line by line. A closed month keeps its
statements and lines as stored rows, so later events never change it."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition

from sales.enums import CommissionBasis, CommissionLineKind, CommissionMonthStatus
from salesadmin.clock import company_today, month_end
from salesadmin.transitions import condition

MONEY = {"max_digits": 14, "decimal_places": 2}
RATE = {"max_digits": 6, "decimal_places": 3}


class SalesTeam(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="sales_teams"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("sales team")
        verbose_name_plural = _("sales teams")

    def __str__(self) -> str:
        return self.name


class CommissionRule(models.Model):
    """What a salesperson's (or every member of a team's) commission is based
    on, from a month on. A change is a new rule from a later month: the old one
    stays as history and still decides the months before. A salesperson's own
    rule wins over the team's."""

    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    team = models.ForeignKey(
        SalesTeam,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rules",
    )
    basis = models.CharField(_("basis"), max_length=20, choices=CommissionBasis.choices)
    rate = models.DecimalField(
        _("rate (%)"), **RATE, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    valid_from = models.DateField(_("from month"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = _("commission rule")
        verbose_name_plural = _("commission rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(salesperson__isnull=False, team__isnull=True)
                | Q(salesperson__isnull=True, team__isnull=False),
                name="commission_rule_person_or_team",
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0, rate__lte=100), name="commission_rule_rate"
            ),
            models.UniqueConstraint(
                fields=["salesperson", "team", "valid_from"],
                nulls_distinct=False,
                name="commission_rule_once_per_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.salesperson_id or self.team_id} {self.basis} {self.rate}%"


class CommissionMonth(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """A month of commission: open (figures computed from the documents) until
    closed, then frozen in its statements."""

    month = models.DateField(_("month"), unique=True)  # its first day
    status = FSMField(
        _("status"),
        default=CommissionMonthStatus.OPEN,
        choices=CommissionMonthStatus.choices,
        protected=True,
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("commission month")
        verbose_name_plural = _("commission months")
        permissions = [("close_commissionmonth", _("Can close a commission month"))]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="commission_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def number(self) -> str:
        return f"{self.month:%Y-%m}"

    @condition(_("A month can be closed only after it has ended."), code="month_not_ended")
    def has_ended(self) -> bool:
        return month_end(self.month) < company_today()

    @transition(
        status,
        source=CommissionMonthStatus.OPEN,
        target=CommissionMonthStatus.CLOSED,
        conditions=[has_ended],
        permission="sales.close_commissionmonth",
    )
    def close(self, *, at, by):
        self.closed_at, self.closed_by = at, by


class CommissionStatement(models.Model):
    """A closed month's statement for one salesperson, as it was at closing."""

    month = models.ForeignKey(CommissionMonth, on_delete=models.PROTECT, related_name="statements")
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    basis = models.CharField(_("basis"), max_length=20, choices=CommissionBasis.choices, blank=True)
    rate = models.DecimalField(_("rate (%)"), **RATE, null=True, blank=True)
    basis_amount = models.DecimalField(_("commission basis"), **MONEY)
    commission = models.DecimalField(_("commission"), **MONEY)

    class Meta:
        ordering = ["month", "salesperson_id"]
        verbose_name = _("commission statement")
        verbose_name_plural = _("commission statements")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "salesperson"], name="commission_statement_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month_id} {self.salesperson_id}: {self.basis_amount}"


class CommissionLine(models.Model):
    """One document behind a closed statement: a delivery note, a credit note
    or a payment allocation, what it was worth and what of it counts."""

    statement = models.ForeignKey(
        CommissionStatement, on_delete=models.CASCADE, related_name="lines"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CommissionLineKind.choices)
    source_id = models.BigIntegerField(_("source document id"))
    document = models.CharField(_("document"), max_length=40)
    invoice = models.CharField(_("invoice"), max_length=30, blank=True)
    day = models.DateField(_("date"))
    customer = models.CharField(_("customer"), max_length=200)
    amount = models.DecimalField(_("amount"), **MONEY)
    counted = models.DecimalField(_("counted"), **MONEY)
    remark = models.CharField(_("remark"), max_length=200, blank=True)

    class Meta:
        ordering = ["statement", "day", "id"]
        verbose_name = _("commission line")
        verbose_name_plural = _("commission lines")
        constraints = [
            # A document counts in one closed month only.
            models.UniqueConstraint(fields=["kind", "source_id"], name="commission_line_once"),
        ]

    def __str__(self) -> str:
        return f"{self.document}: {self.counted}"
