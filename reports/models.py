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
