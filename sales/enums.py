from django.db import models
from django.utils.translation import gettext_lazy as _


class QuotationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    LAPSED = "lapsed", _("Lapsed")
    DECLINED = "declined", _("Declined")
