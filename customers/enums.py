from django.db import models
from django.utils.translation import gettext_lazy as _


class CreditTerms(models.TextChoices):
    PREPAID = "prepaid", _("Prepaid / cash before delivery")
    MONTHLY = "monthly", _("Monthly settlement")
    QUARTERLY = "quarterly", _("Quarterly settlement")


class PriceApproval(models.TextChoices):
    """An agreed price below the price list waits for a manager before it applies."""

    APPROVED = "approved", _("Approved")
    PENDING = "pending", _("Waiting for a manager")
    REFUSED = "refused", _("Refused")
