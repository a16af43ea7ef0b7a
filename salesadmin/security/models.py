"""The sign-in audit log: every login, failure, lockout and release, append-only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginEventKind(models.TextChoices):
    SUCCEEDED = "succeeded", _("Signed in")
    FAILED = "failed", _("Failed sign-in")
    LOCKED_OUT = "locked_out", _("Locked out")
    RELEASED = "released", _("Lock lifted")


class LoginEvent(models.Model):
    """One row per sign-in event; a database trigger refuses UPDATE and DELETE."""

    kind = models.CharField(_("event"), max_length=16, choices=LoginEventKind.choices)
    username = models.CharField(_("username"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    path = models.CharField(_("where"), max_length=255, blank=True)
    # Who lifted a lock (RELEASED only).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("sign-in event")
        verbose_name_plural = _("sign-in events")
        indexes = [models.Index(fields=["username", "-at"], name="security_login_user_at")]
        permissions = [
            ("release_lockout", _("Can lift sign-in lockouts")),
            ("setup_two_factor", _("Can set up two-factor sign-in")),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username} {self.ip_address}"
