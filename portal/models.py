from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HintDismissal(models.Model):
    """A person closed the first-login hint for one of their roles: it stays closed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hint_dismissals"
    )
    role = models.CharField(_("role"), max_length=30)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dismissed hint")
        verbose_name_plural = _("dismissed hints")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="hint_dismissed_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role}"
