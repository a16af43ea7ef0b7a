"""The site's navigation bar: one entry per page the user may open, grouped
so a manager's menu fits one row at 1366 px. A group the user can open only
one page of shows as that page's plain link."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orders.selectors.delivery_notes import work_counts
from portal.imports import PERMISSIONS as IMPORT_PERMISSIONS
from salesadmin.clock import company_today
from salesadmin.roles import user_roles

# (label, url name, permission needed: one, any of a tuple, or None for any
# logged-in user), or (group label, [entries]).
NAVIGATION = [
    (_("Home"), "home", None),
    (_("Dashboard"), "reports:dashboard", "reports.view_dashboard"),
    (
        pgettext_lazy("menu", "Sales"),
        [
            (_("Orders"), "orders:order_list", "orders.view_salesorder"),
            (_("Quotations"), "sales:quotation_list", "sales.view_quotation"),
            (_("Targets"), "sales:progress", "sales.view_salestarget"),
            (_("Commission"), "sales:commission", "sales.view_commissionstatement"),
            (_("Contracts"), "contracts:register", "orders.view_salesorder"),
            (_("Requirement reviews"), "contracts:review_list", "contracts.give_opinion"),
        ],
    ),
    (
        pgettext_lazy("menu", "Delivery"),
        [
            (_("Delivery notes"), "orders:note_list", "orders.view_deliverynote"),
            (_("Returns"), "returns:return_list", "returns.view_returnapplication"),
            (_("Gate"), "orders:gate", "orders.exit_deliverynote"),
            (_("Samples"), "outbound:sample_list", "outbound.view_sampleapplication"),
            (_("Non-sale outbound"), "outbound:request_list", "outbound.view_nonsalerequest"),
        ],
    ),
    (
        pgettext_lazy("menu", "Finance"),
        [
            (_("Payments"), "finance:payment_list", "finance.record_payment"),
            (_("Invoices"), "finance:invoice_list", "finance.view_invoice"),
            (_("Aging"), "finance:aging", "finance.view_invoice"),
            (_("Reminders"), "finance:reminder_list", "finance.view_reminder"),
            (_("Statements"), "finance:statement_list", "finance.view_statement"),
            (_("Credit notes"), "finance:credit_note_list", "finance.view_creditnote"),
            (_("Selling expense"), "outbound:expense_report", "outbound.view_outbound_expenses"),
        ],
    ),
    (
        pgettext_lazy("menu", "Stock"),
        [
            (_("Stock"), "inventory:stock", "inventory.view_stocklevel"),
            (_("Production receipt"), "inventory:receipt", "inventory.record_production_receipt"),
            (_("Production tasks"), "contracts:task_list", "inventory.record_production_receipt"),
            (_("Stock ledger"), "inventory:moves", "inventory.view_stockmove"),
        ],
    ),
    (
        pgettext_lazy("menu", "Master data"),
        [
            (_("Customers"), "customers:list", "customers.view_customer"),
            (_("Products"), "inventory:products", "inventory.view_product"),
            (_("Warehouses"), "inventory:warehouses", "inventory.view_warehouse"),
            (_("Price lists"), "orders:price_lists", "orders.view_pricelist"),
            (_("Agreed prices"), "orders:customer_prices", "customers.view_customerprice"),
            (_("Import"), "import_list", IMPORT_PERMISSIONS),
        ],
    ),
    (
        pgettext_lazy("menu", "Control"),
        [
            (
                _("Audit trail"),
                "audit",
                ("salesadmin.view_transitionlog", "salesadmin.view_masterdatachange"),
            ),
            (_("Sign-in security"), "security:lockouts", "security.view_loginevent"),
        ],
    ),
    (_("Help"), "help", None),
]


class _WorkCount:
    """The Home entry's count of new work: at most two COUNTs, run only if a
    template shows it (orders.selectors.delivery_notes.work_counts)."""

    def __init__(self, user):
        self.user = user
        self._count = None

    def __call__(self) -> int:
        if self._count is None:
            self._count = work_counts(
                user=self.user, roles=user_roles(self.user), day=company_today()
            )
        return self._count


def _allowed(user, perm) -> bool:
    if isinstance(perm, tuple):
        return any(user.has_perm(p) for p in perm)
    return not perm or user.has_perm(perm)


def _link(user, label, url_name, perm):
    if not _allowed(user, perm):
        return None
    try:
        url = reverse(url_name)
    except NoReverseMatch:  # a page not built yet
        return None
    work = _WorkCount(user) if url_name == "home" else None
    return {"label": label, "url": url, "active": False, "work": work}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = request.path
    items, links = [], []
    for entry in NAVIGATION:
        if isinstance(entry[1], list):
            children = [c for c in (_link(user, *child) for child in entry[1]) if c]
            links += children
            if len(children) == 1:
                items.append(children[0])
            elif children:
                items.append({"label": entry[0], "children": children, "active": False})
        else:
            link = _link(user, *entry)
            if link:
                items.append(link)
                links.append(link)
    # The longest matching prefix wins: /orders/notes/ is "Delivery notes", not "Orders".
    matches = [
        i
        for i in links
        if current == i["url"] or (i["url"] != "/" and current.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
        for item in items:
            if any(c["active"] for c in item.get("children", ())):
                item["active"] = True
    return {"nav_items": items}
