from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    """Contracts (合同, seed 002 1.1): production task notices, stock preparation
    slips, product requirement reviews, the contract register and follow-up
    calls. The contract itself is the sales order (orders); this app sits above
    finance (the register reads invoices and payments) and is handed the
    order's events through orders.hooks and the stock ledger's receipts through
    inventory.signals."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "contracts"
    verbose_name = _("Contracts")

    def ready(self) -> None:
        from contracts.services import production
        from inventory.signals import production_received
        from orders import hooks

        hooks.register_contracts(
            order_approved=production.contract_start_production,
            order_cancelled=production.contract_stop_production,
            prepared_stock=production.prepared_stock,
            take_over_prepared=production.prepared_take_over,
        )
        production_received.connect(
            production.production_receipt_received, dispatch_uid="contracts.production_receipt"
        )
