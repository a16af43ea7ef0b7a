from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _default_levels(sender, **kwargs):
    # Also after a flush (transactional tests), like the role groups.
    from approvals.defaults import create_default_levels
    from approvals.models import ApprovalLevel

    create_default_levels(ApprovalLevel)


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        post_migrate.connect(_default_levels, sender=self, dispatch_uid="approvals.default_levels")
