from django.db import models
from django.utils.translation import gettext_lazy as _


class CreditTerms(models.TextChoices):
    PREPAID = "prepaid", _("Prepaid / cash before delivery")
    MONTHLY = "monthly", _("Monthly settlement")
    QUARTERLY = "quarterly", _("Quarterly settlement")
