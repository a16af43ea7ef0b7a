from django.db import models
from django.utils.translation import gettext_lazy as _


class QuotationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    LAPSED = "lapsed", _("Lapsed")
    DECLINED = "declined", _("Declined")


class TargetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved (in force)")
    SUPERSEDED = "superseded", _("Superseded by a revision")


class CommissionBasis(models.TextChoices):
    SALES = "sales", _("Net sales")
    COLLECTED = "collected", _("Collected payments")
    COLLECTED_WITHIN_TERMS = "within_terms", _("Collected within terms")


class CommissionMonthStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class CommissionLineKind(models.TextChoices):
    NOTE = "note", _("Delivery note")
    CREDIT_NOTE = "credit_note", _("Credit note")
    ALLOCATION = "allocation", _("Payment allocation")
