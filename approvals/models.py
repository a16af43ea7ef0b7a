"""Approval levels (审批权限): who may approve how much.

A department head (部门负责人), the sales director (销售厂长) and the general
manager (总经理) approve up to different limits (DESIGN.md, "Who uses it").
Levels are ranked; a person is assigned to one level and may have a limit of
their own that replaces the level's. An approval beyond the approver's limit
goes on to the next level up. Every step is a row in an append-only log.
Other apps (allowances, later contracts and samples) use the levels through
approvals.services; this app imports only the core.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 14, "decimal_places": 2}


class ApprovalLevel(models.Model):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # Higher ranks approve what lower ones cannot.
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True)
    # Up to this amount an approval at this level is final; empty: no limit.
    limit = models.DecimalField(_("limit"), **MONEY, null=True, blank=True)

    class Meta:
        ordering = ["rank"]
        verbose_name = _("approval level")
        verbose_name_plural = _("approval levels")
        constraints = [
            models.CheckConstraint(
                condition=Q(limit__isnull=True) | Q(limit__gte=0), name="approval_limit_ge0"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ApprovalAssignment(models.Model):
    """A person's place in the approval levels, with an optional personal limit."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="approval_assignment",
    )
    level = models.ForeignKey(
        ApprovalLevel, verbose_name=_("level"), on_delete=models.PROTECT, related_name="assignments"
    )
    # Replaces the level's limit for this person when set.
    personal_limit = models.DecimalField(_("personal limit"), **MONEY, null=True, blank=True)

    class Meta:
        ordering = ["level__rank", "user_id"]
        verbose_name = _("approval assignment")
        verbose_name_plural = _("approval assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(personal_limit__isnull=True) | Q(personal_limit__gte=0),
                name="approval_personal_limit_ge0",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.level}"


class ApprovalDecision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    FORWARDED = "forwarded", _("Approved, sent on to the next level")
    REJECTED = "rejected", _("Rejected")


class ApprovalStep(models.Model):
    """One approval step: who, at which level, what, when, with which comment.
    Append-only (database trigger)."""

    document_type = models.CharField(_("document type"), max_length=40)
    document_id = models.PositiveBigIntegerField(_("document id"))
    document_number = models.CharField(_("document number"), max_length=30, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    level = models.ForeignKey(
        ApprovalLevel, verbose_name=_("level"), on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=20, choices=ApprovalDecision.choices)
    next_level = models.ForeignKey(
        ApprovalLevel,
        verbose_name=_("next level"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["document_type", "document_id", "id"]
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        indexes = [models.Index(fields=["document_type", "document_id"])]

    def __str__(self) -> str:
        return f"{self.document_type} {self.document_number} {self.level} {self.decision}"
