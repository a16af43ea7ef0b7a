"""Reports read the other apps' tables; the app's own data is the permission to
see them and the record of each sales summary sent."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from reports.enums import SummaryStatus


class Report(models.Model):
    """No table: carries the reports' permission (``reports.view_dashboard``)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_dashboard", _("Can see the manager dashboard, sales and reconciliation")),
        ]

    def __str__(self) -> str:
        return str(_("Reports"))


class SalesSummary(models.Model):
    """A periodic sales summary to the managers (5th, 15th, 25th): a row first,
    then a task sends the pending ones and marks them sent. One row per period,
    so a retried or doubled run never mails the same summary twice."""

    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    # The figures as computed when the period closed (strings for money).
    figures = models.JSONField(_("figures"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=SummaryStatus.choices, default=SummaryStatus.PENDING
    )
    recipients = models.TextField(_("sent to"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-period_end"]
        verbose_name = _("sales summary")
        verbose_name_plural = _("sales summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["period_start", "period_end"], name="sales_summary_once_per_period"
            ),
            # Periods follow each other: one summary ends on a given day.
            models.UniqueConstraint(fields=["period_end"], name="sales_summary_one_per_end"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="sales_summary_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_start}..{self.period_end} {self.status}"


class DaySales(models.Model):
    """One closed day's sales to one customer (value, delivery notes): the
    dashboard reads closed days from here and only today from the notes.
    Written once per day by ``sales_rollup``; a closed day's sales never change
    (a note is dispatched on its issue day, and only today)."""

    day = models.DateField()
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    value = models.DecimalField(max_digits=16, decimal_places=2)
    notes = models.PositiveIntegerField()

    class Meta:
        constraints = [
            # Covering: the dashboard's sums read the index alone.
            models.UniqueConstraint(
                fields=["day", "customer"], include=["value", "notes"], name="day_sales_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.customer_id}: {self.value}"


class DayProductSales(models.Model):
    """One closed day's sales of one product (value, loaded quantity)."""

    day = models.DateField()
    product = models.ForeignKey(
        "inventory.Product", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    value = models.DecimalField(max_digits=16, decimal_places=2)
    quantity = models.DecimalField(max_digits=16, decimal_places=3)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "product"],
                include=["value", "quantity"],
                name="day_product_sales_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.product_id}: {self.value}"


class SalesRollup(models.Model):
    """How far the day tables reach: every day up to ``through`` is in them."""

    through = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"through {self.through}"
