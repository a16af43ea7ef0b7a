from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("return status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("return status", "Submitted")
    INSPECTED = "inspected", pgettext_lazy("return status", "Inspected")
    APPROVED = "approved", pgettext_lazy("return status", "Approved")
    REJECTED = "rejected", pgettext_lazy("return status", "Rejected")
    RECEIVED = "received", pgettext_lazy("return status", "Received")
    CLOSED = "closed", pgettext_lazy("return status", "Closed")
    CANCELLED = "cancelled", pgettext_lazy("return status", "Cancelled")


# Returns in these states no longer claim the delivered quantity.
RELEASED_STATUSES = (ReturnStatus.REJECTED, ReturnStatus.CANCELLED)


class ReturnReason(models.TextChoices):
    QUALITY = "quality", _("Quality problem")
    WRONG_GOODS = "wrong_goods", _("Wrong goods")
    DAMAGED = "damaged", _("Damaged")
    OTHER = "other", pgettext_lazy("return reason", "Other")


class InspectionResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class AllowanceStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("allowance status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("allowance status", "Waiting for approval")
    APPROVED = "approved", pgettext_lazy("allowance status", "Approved")
    REJECTED = "rejected", pgettext_lazy("allowance status", "Rejected")
    CANCELLED = "cancelled", pgettext_lazy("allowance status", "Cancelled")


class AllowanceReason(models.TextChoices):
    QUALITY = "quality", _("Quality problem")
    LATE_DELIVERY = "late_delivery", _("Late delivery")
    QUANTITY_DISPUTE = "quantity_dispute", _("Quantity dispute")
    OTHER = "other", pgettext_lazy("allowance reason", "Other")


class ReturnCause(models.TextChoices):
    """Where the cause of a return was found (退货追究制)."""

    PRODUCTION = "production", _("Production (quality of make)")
    STORAGE = "storage", _("Storage and handling")
    TRANSPORT = "transport", _("Transport")
    SALES = "sales", _("Sales or order error")
    CUSTOMER = "customer", _("Customer's use or mistake")
    OTHER = "other", pgettext_lazy("return cause", "Other")
