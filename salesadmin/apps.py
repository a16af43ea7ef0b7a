from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs):
    from salesadmin.roles import sync_roles

    sync_roles(verbosity=kwargs.get("verbosity", 0))


class SalesadminConfig(AppConfig):
    name = "salesadmin"
    verbose_name = _("Sales administration")

    def ready(self):
        from django.apps import apps

        from salesadmin import (
            db_timeouts,  # noqa: F401 - sessions start with bounded waits
            metrics,  # noqa: F401 - counts Celery task outcomes (signals)
        )

        # Keep the role groups in step with the catalogue after every migrate
        # (and after the test runner's flush, which also sends post_migrate).
        # post_migrate is sent only for apps with models, and salesadmin has
        # none, so listen for auth's: it is sent once per migrate or flush.
        post_migrate.connect(
            _sync_roles, sender=apps.get_app_config("auth"), dispatch_uid="salesadmin.sync_roles"
        )
