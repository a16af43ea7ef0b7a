from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    """Sign-in protection and its audit log, sessions, two-factor login, the
    browser policy and the refusals that keep bad input from reaching a view."""

    name = "salesadmin.security"
    label = "security"
    verbose_name = _("Security")

    def ready(self):
        from salesadmin.security import audit, sessions

        audit.connect()
        sessions.connect()
