"""The single role catalogue: which group holds which permissions.

Roles are Django groups; every page and API endpoint checks a permission, never
a group name, so one user may hold several roles. The groups are created by a
migration (salesadmin/migrations) and brought in step with this catalogue after
every ``migrate`` (post_migrate), so a permission added by a later issue reaches
its roles without hand work.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SALES_CLERK = "sales_clerk", _("Sales clerk")
    FINANCE = "finance", _("Finance")
    WAREHOUSE_KEEPER = "warehouse_keeper", _("Warehouse keeper")
    GATE_GUARD = "gate_guard", _("Gate guard")
    MANAGER = "manager", _("Manager")
    QUALITY_INSPECTOR = "quality_inspector", _("Quality inspector")


# app_label.codename, as used by user.has_perm().
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.SALES_CLERK: [
        "customers.view_customer",
        "customers.add_customer",
        "customers.change_customer",
        "customers.view_contact",
        "customers.add_contact",
        "customers.change_contact",
        "customers.delete_contact",
        "customers.view_customerprice",
        "customers.add_customerprice",
        "customers.change_customerprice",
        "inventory.view_product",
        "inventory.view_stocklevel",
        "orders.view_pricelist",
        "orders.view_salesorder",
        "orders.add_salesorder",
        "orders.change_salesorder",
        "orders.submit_salesorder",
        "orders.cancel_salesorder",
        "orders.view_deliverynote",
        "orders.issue_deliverynote",
        "orders.cancel_deliverynote",
        "returns.view_returnapplication",
        "returns.add_returnapplication",
        "returns.submit_returnapplication",
        "returns.cancel_returnapplication",
        "returns.close_returnapplication",
        "returns.view_allowance",
        "returns.add_allowance",
        "returns.submit_allowance",
        "returns.cancel_allowance",
        "finance.view_creditnote",
        "sales.view_quotation",
        "sales.add_quotation",
        "sales.change_quotation",
        "sales.send_quotation",
        "sales.decide_quotation",
        "sales.view_salestarget",
        "sales.add_salestarget",
        "sales.change_salestarget",
        "sales.submit_salestarget",
        "sales.view_productgroup",
        # Contracts (issue 11): the clerk runs the register, follows production,
        # opens requirement reviews and confirms price and date, makes the calls.
        "contracts.view_productiontask",
        "contracts.view_preparationslip",
        "contracts.view_requirementreview",
        "contracts.add_requirementreview",
        "contracts.confirm_requirementreview",
        "contracts.view_followup",
        "contracts.record_followup",
        # Samples and non-sale outbound (issue 11): apply, follow up, issue the slip.
        "outbound.view_sampleapplication",
        "outbound.add_sampleapplication",
        "outbound.submit_sampleapplication",
        "outbound.cancel_sampleapplication",
        "outbound.issue_sample_slip",
        "outbound.view_nonsalerequest",
        "outbound.add_nonsalerequest",
        "outbound.submit_nonsalerequest",
        "outbound.cancel_nonsalerequest",
        "outbound.issue_nonsale_slip",
    ],
    Role.FINANCE: [
        "customers.view_customer",
        "customers.view_contact",
        "customers.view_customerprice",
        "inventory.view_product",
        "orders.view_pricelist",
        "orders.view_salesorder",
        "orders.view_deliverynote",
        "orders.stamp_deliverynote",
        "finance.record_payment",
        "finance.view_receivableentry",
        "finance.view_invoice",
        "finance.issue_invoice",
        "finance.void_invoice",
        "finance.view_reminder",
        "finance.change_reminder",
        "finance.view_statement",
        "finance.change_statement",
        "security.setup_two_factor",
        "returns.view_returnapplication",
        "returns.view_allowance",
        "finance.view_creditnote",
        "finance.view_refund",
        "finance.record_refund",
        "sales.view_commissionrule",
        "sales.view_commissionstatement",
        "sales.close_commissionmonth",
        "contracts.view_productiontask",
        # The accountant's opinion on a request report (会计意见); expenses at cost.
        "outbound.view_sampleapplication",
        "outbound.view_nonsalerequest",
        "outbound.check_nonsalerequest",
        "outbound.view_outbound_expenses",
    ],
    Role.WAREHOUSE_KEEPER: [
        "inventory.view_product",
        "inventory.view_stocklevel",
        "inventory.view_warehouse",
        "inventory.view_location",
        "inventory.view_batch",
        "inventory.view_stockmove",
        "inventory.record_production_receipt",
        "inventory.import_opening_stock",
        "orders.view_deliverynote",
        "orders.dispatch_deliverynote",
        "returns.view_returnapplication",
        "returns.receive_returnapplication",
        # The production tasks the receipts answer, and what to hold (备货单).
        "contracts.view_productiontask",
        "contracts.view_preparationslip",
    ],
    Role.GATE_GUARD: [
        # Only the gate: no customers, prices or amounts, not even the notes'
        # pages; the gate views show vehicle and goods.
        "orders.exit_deliverynote",
    ],
    Role.QUALITY_INSPECTOR: [
        # Inspects returned goods (检验报告单): the returns and their goods, no money pages.
        "inventory.view_product",
        "returns.view_returnapplication",
        "returns.inspect_returnapplication",
        # The quality department's opinion on a product requirement review.
        "contracts.view_requirementreview",
        "contracts.give_opinion",
    ],
    Role.MANAGER: [
        "customers.view_customer",
        "customers.add_customer",
        "customers.change_customer",
        "customers.change_credit_terms",
        "customers.set_credit_hold",
        "customers.view_contact",
        "customers.add_contact",
        "customers.change_contact",
        "customers.delete_contact",
        "customers.view_customerprice",
        "customers.add_customerprice",
        "customers.change_customerprice",
        "customers.delete_customerprice",
        "customers.approve_customerprice",
        "customers.view_creditchange",
        "inventory.view_product",
        "inventory.add_product",
        "inventory.change_product",
        "inventory.view_stocklevel",
        "inventory.view_warehouse",
        "inventory.add_warehouse",
        "inventory.change_warehouse",
        "inventory.view_location",
        "inventory.add_location",
        "inventory.change_location",
        "inventory.view_batch",
        "inventory.view_stockmove",
        "inventory.record_production_receipt",
        "inventory.adjust_stock",
        "inventory.import_opening_stock",
        "orders.view_pricelist",
        "orders.add_pricelist",
        "orders.change_pricelist",
        "orders.view_salesorder",
        "orders.add_salesorder",
        "orders.change_salesorder",
        "orders.submit_salesorder",
        "orders.approve_salesorder",
        "orders.review_contract",
        "orders.cancel_salesorder",
        "orders.view_deliverynote",
        "orders.issue_deliverynote",
        "orders.cancel_deliverynote",
        "orders.stamp_deliverynote",
        "orders.override_stamp_deliverynote",
        "orders.dispatch_deliverynote",
        "orders.exit_deliverynote",
        "finance.record_payment",
        "finance.view_receivableentry",
        "finance.view_invoice",
        "finance.issue_invoice",
        "finance.void_invoice",
        "finance.view_reminder",
        "finance.change_reminder",
        "finance.view_statement",
        "finance.change_statement",
        "reports.view_dashboard",
        "salesadmin.view_transitionlog",
        "salesadmin.view_masterdatachange",
        "security.view_loginevent",
        "security.release_lockout",
        "security.setup_two_factor",
        "returns.view_returnapplication",
        "returns.approve_returnapplication",
        "returns.close_returnapplication",
        "returns.cancel_returnapplication",
        "returns.view_returns_report",
        "returns.view_allowance",
        "returns.approve_allowance",
        "returns.cancel_allowance",
        "finance.view_creditnote",
        "finance.view_refund",
        "sales.view_quotation",
        "sales.add_quotation",
        "sales.change_quotation",
        "sales.send_quotation",
        "sales.decide_quotation",
        "sales.view_salestarget",
        "sales.add_salestarget",
        "sales.change_salestarget",
        "sales.submit_salestarget",
        "sales.approve_salestarget",
        "sales.view_target_progress",
        "sales.view_productgroup",
        "sales.add_productgroup",
        "sales.change_productgroup",
        "sales.view_salesteam",
        "sales.add_salesteam",
        "sales.change_salesteam",
        "sales.view_commissionrule",
        "sales.add_commissionrule",
        "sales.view_commissionstatement",
        "sales.close_commissionmonth",
        "contracts.view_productiontask",
        "contracts.track_productiontask",
        "contracts.view_preparationslip",
        "contracts.view_requirementreview",
        "contracts.add_requirementreview",
        "contracts.confirm_requirementreview",
        "contracts.give_opinion",
        "contracts.view_followup",
        "contracts.record_followup",
        # Samples and non-sale outbound: the manager's opinion and the
        # approvals (how far each may approve: the approval levels).
        "outbound.view_sampleapplication",
        "outbound.approve_sampleapplication",
        "outbound.cancel_sampleapplication",
        "outbound.view_nonsalerequest",
        "outbound.endorse_nonsalerequest",
        "outbound.approve_nonsalerequest",
        "outbound.cancel_nonsalerequest",
        "outbound.view_outbound_expenses",
    ],
}


# Support staff (not a business role: no menu, no actions) read every document
# and its log in the Django admin to answer questions, and change nothing. They
# hold every view permission of these apps and no other; the user also needs
# is_staff to enter the admin.
SUPPORT_GROUP = "support"
SUPPORT_APPS = (
    "salesadmin",
    "notices",
    "approvals",
    "customers",
    "inventory",
    "orders",
    "finance",
    "returns",
    "contracts",
    "outbound",
    "sales",
)


def role_group_name(role: str) -> str:
    return str(role)


def sync_roles(apps=None, verbosity: int = 0) -> None:
    """Create the role groups and give each exactly its catalogue permissions.

    ``apps`` is the migration state's registry when called from a migration,
    the live one otherwise.
    """
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    registry = apps or global_apps
    for app_config in registry.get_app_configs():
        if apps is not None:
            # A migration's app stubs have no models module, and
            # create_permissions skips such apps; these stubs live only for
            # this migration, so marking them does not leak.
            app_config.models_module = True
        create_permissions(app_config, verbosity=verbosity, apps=registry)

    Group = registry.get_model("auth", "Group")
    Permission = registry.get_model("auth", "Permission")
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role_group_name(role))
        wanted = ROLE_PERMISSIONS[role]
        perms = []
        for dotted in wanted:
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                perms.append(perm)
        group.permissions.set(perms)
    support, _created = Group.objects.get_or_create(name=SUPPORT_GROUP)
    support.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=SUPPORT_APPS, codename__startswith="view_"
        )
    )


def user_roles(user) -> list[str]:
    """The user's roles, read once per request (the menu, the hints and the
    home page all ask); kept on the user object like Django's permission cache."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_roles_cache", None)
    if cached is None:
        names = {g.name for g in user.groups.all()}
        cached = user._roles_cache = [role for role in Role if role_group_name(role) in names]
    return list(cached)
