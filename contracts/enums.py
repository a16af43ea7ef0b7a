from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskStatus(models.TextChoices):
    OPEN = "open", _("In production")
    CLOSED = "closed", _("Produced")
    CANCELLED = "cancelled", _("Cancelled")


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("Departments reviewing")
    CONFIRMED = "confirmed", _("Price and date confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class FollowUpStatus(models.TextChoices):
    DUE = "due", _("To call")
    DONE = "done", _("Called")
