"""The site's navigation bar: one entry per page the user may open."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from portal.imports import PERMISSIONS as IMPORT_PERMISSIONS

# (label, url name, permission needed: one, any of a tuple, or None for any logged-in user)
NAVIGATION = [
    (_("Home"), "home", None),
    (_("Dashboard"), "reports:dashboard", "reports.view_dashboard"),
    (_("Gate"), "orders:gate", "orders.exit_deliverynote"),
    (_("Orders"), "orders:order_list", "orders.view_salesorder"),
    (_("Quotations"), "sales:quotation_list", "sales.view_quotation"),
    (_("Targets"), "sales:progress", "sales.view_salestarget"),
    (_("Commission"), "sales:commission", "sales.view_commissionstatement"),
    (_("Delivery notes"), "orders:note_list", "orders.view_deliverynote"),
    (_("Payments"), "finance:payment_list", "finance.record_payment"),
    (_("Invoices"), "finance:invoice_list", "finance.view_invoice"),
    (_("Aging"), "finance:aging", "finance.view_invoice"),
    (_("Reminders"), "finance:reminder_list", "finance.view_reminder"),
    (_("Statements"), "finance:statement_list", "finance.view_statement"),
    (_("Credit notes"), "finance:credit_note_list", "finance.view_creditnote"),
    (_("Returns"), "returns:return_list", "returns.view_returnapplication"),
    (_("Samples"), "outbound:sample_list", "outbound.view_sampleapplication"),
    (_("Non-sale outbound"), "outbound:request_list", "outbound.view_nonsalerequest"),
    (_("Selling expense"), "outbound:expense_report", "outbound.view_outbound_expenses"),
    (_("Customers"), "customers:list", "customers.view_customer"),
    (_("Stock"), "inventory:stock", "inventory.view_stocklevel"),
    (_("Production receipt"), "inventory:receipt", "inventory.record_production_receipt"),
    (_("Stock ledger"), "inventory:moves", "inventory.view_stockmove"),
    (_("Import"), "import_list", IMPORT_PERMISSIONS),
    (_("Sign-in security"), "security:lockouts", "security.view_loginevent"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = request.path
    items = []
    for label, url_name, perm in NAVIGATION:
        if isinstance(perm, tuple):
            if not any(user.has_perm(p) for p in perm):
                continue
        elif perm and not user.has_perm(perm):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:  # a page not built yet
            continue
        items.append({"label": label, "url": url, "active": False})
    # The longest matching prefix wins: /orders/notes/ is "Delivery notes", not "Orders".
    matches = [
        i
        for i in items
        if current == i["url"] or (i["url"] != "/" and current.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return {"nav_items": items}
