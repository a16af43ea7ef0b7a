from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SampleStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("sample status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("sample status", "Waiting for approval")
    APPROVED = "approved", pgettext_lazy("sample status", "Approved")
    REJECTED = "rejected", pgettext_lazy("sample status", "Rejected")
    CLOSED = "closed", pgettext_lazy("sample status", "Outcome recorded")
    CANCELLED = "cancelled", pgettext_lazy("sample status", "Cancelled")


class RequestStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("request status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("request status", "Waiting for the accountant")
    CHECKED = "checked", pgettext_lazy("request status", "Waiting for the manager")
    ENDORSED = "endorsed", pgettext_lazy("request status", "Waiting for approval")
    APPROVED = "approved", pgettext_lazy("request status", "Approved")
    REJECTED = "rejected", pgettext_lazy("request status", "Rejected")
    CANCELLED = "cancelled", pgettext_lazy("request status", "Cancelled")


class Purpose(models.TextChoices):
    """Why goods leave without a sale (seed 000 第十三条; samples seed 002 2.2)."""

    SAMPLE = "sample", _("Sample")
    ADVERTISING = "advertising", _("Advertising")
    GIFT = "gift", _("Gift")
    PRIZE = "prize", _("Prize")


# What a request report (请示报告单) may ask for; samples have their own application.
REQUEST_PURPOSES = [Purpose.ADVERTISING, Purpose.GIFT, Purpose.PRIZE]


class SampleOutcome(models.TextChoices):
    ORDERED = "ordered", _("The customer ordered")
    TESTING = "testing", _("Still being tested")
    NOT_SUITABLE = "not_suitable", _("Not suitable")
    NO_ANSWER = "no_answer", _("No answer")
