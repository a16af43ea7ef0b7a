from django.db import models
from django.utils.translation import gettext_lazy as _


class PickupMode(models.TextChoices):
    SELF_PICKUP = "self_pickup", _("Self-pickup")
    DELIVERED = "delivered", _("Delivered")


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PARTIALLY_DELIVERED = "partially_delivered", _("Partially delivered")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class ContractType(models.TextChoices):
    """Seed 002 1.1: how a contract is fulfilled (DESIGN.md, Contracts)."""

    A = "A", _("A: in stock")
    B = "B", _("B: to be produced")
    C = "C", _("C: non-standard, reviewed first")


class NoteStatus(models.TextChoices):
    ISSUED = "issued", _("Issued, waiting for finance")
    STAMPED = "stamped", _("Stamped, waiting for the warehouse")
    DISPATCHED = "dispatched", _("Loaded, waiting at the gate")
    AWAITING_TOPUP = "awaiting_topup", _("Waiting for top-up payment")
    EXITED = "exited", _("Left the gate")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


class NoteKind(models.TextChoices):
    """What a note carries out: a sale, or goods out without a sale (视同销售出库),
    which the outbound app issues from an approved sample application or request
    report. Only sale notes are ever charged to a customer or counted as sales."""

    SALE = "sale", _("Sale")
    SAMPLE = "sample", _("Sample")
    NON_SALE = "non_sale", _("Non-sale outbound")


class PriceSource(models.TextChoices):
    CUSTOMER = "customer", _("Customer price")
    LIST = "list", _("Price list")
    MANUAL = "manual", _("Entered by hand")


class ApprovalReason(models.TextChoices):
    BELOW_LIST = "below_list", _("Price below list price")
    BELOW_MINIMUM = "below_minimum", _("Price below minimum price")
    NOT_ON_LIST = "not_on_list", _("Product not on the price list")
    CREDIT_EXCEEDED = "credit_exceeded", _("Credit limit exceeded")
    CUSTOMER_ON_HOLD = "customer_on_hold", _("Customer on credit hold")


class Coverage(models.TextChoices):
    PREPAYMENT = "prepayment", _("Paid in advance")
    CREDIT = "credit", _("Receivable within credit")
    OVERRIDE = "override", _("Manager override")
