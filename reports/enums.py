from django.db import models
from django.utils.translation import gettext_lazy as _


class SummaryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")


class GroupBy(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    PRODUCT = "product", _("Product")
    CUSTOMER = "customer", _("Customer")
    SALESPERSON = "salesperson", _("Salesperson")


class Period(models.TextChoices):
    TODAY = "today", _("Today")
    WEEK = "7d", _("Last 7 days")
    MONTH = "month", _("This month")
    DAYS_30 = "30d", _("Last 30 days")
    QUARTER = "quarter", _("This quarter")
    YEAR = "year", _("This year")


class MismatchKind(models.TextChoices):
    QUANTITY = "quantity", _("Note quantity differs from the dispatch moves")
    NO_GATE_EXIT = "no_gate_exit", _("Dispatched, but no exit at the gate by month end")
    EXIT_WITHOUT_MOVES = "exit_without_moves", _("Left the gate without dispatch moves")
    UNLINKED_MOVE = "unlinked_move", _("Dispatch move linked to no delivery note")
