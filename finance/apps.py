from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = _("Finance")

    def ready(self):
        # orders sits below finance and may not import it: finance hands orders
        # the credit answer and the dispatch charge it needs (orders/hooks.py).
        from finance.credit import coverage_picture
        from finance.services import dispatch_charge
        from orders import hooks

        hooks.register(coverage=coverage_picture, note_dispatched=dispatch_charge)
