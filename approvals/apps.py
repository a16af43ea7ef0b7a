from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, router
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _default_levels(sender, using=DEFAULT_DB_ALIAS, apps=None, **kwargs):
    """Also after a flush (transactional tests), like the role groups; only on
    a database that migrates approvals and once its table exists."""
    from approvals.defaults import create_default_levels

    if apps is None:  # a flush sends no migration state: the live registry
        from django.apps import apps
    try:
        level = apps.get_model("approvals", "ApprovalLevel")
    except LookupError:  # approvals not migrated on this database (yet)
        return
    if not router.allow_migrate_model(using, level):
        return
    create_default_levels(level, using=using)


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        post_migrate.connect(_default_levels, sender=self, dispatch_uid="approvals.default_levels")
