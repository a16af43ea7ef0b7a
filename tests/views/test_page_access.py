"""Every page and API endpoint refuses the wrong role and serves the right one.

One test per role walks every GET route with real documents (built through the
services), so the table grows with the product without multiplying setup.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

ROLES = ("clerk", "finance", "keeper", "guard", "manager")
OFFICE = {"clerk", "finance", "manager"}
NOTES = {"clerk", "finance", "keeper", "manager"}

# url → the personas allowed; everyone else gets 403. Placeholders: {c} customer,
# {o} approved order, {d} draft order, {n} issued note, {s} stamped note, {r} reminder,
# {i} invoice, {q} draft quotation, {p} product, {w} warehouse, {l} price list,
# {g} product group, {m} sales team, {a} agreed price, {b} storage location,
# {y} draft sample application, {x} draft request report.
PAGES = {
    "/": set(ROLES),
    "/customers/": OFFICE,
    "/customers/{c}/": OFFICE,
    "/customers/new/": {"clerk", "manager"},
    "/customers/{c}/edit/": {"clerk", "manager"},
    "/customers/{c}/credit/": {"manager"},
    "/inventory/stock/": {"clerk", "keeper", "manager"},
    "/inventory/receipts/new/": {"keeper", "manager"},
    "/inventory/moves/": {"keeper", "manager"},
    "/inventory/products/": {"clerk", "finance", "keeper", "manager"},
    "/inventory/products/?export=xlsx": {"clerk", "finance", "keeper", "manager"},
    "/inventory/products/new/": {"manager"},
    "/inventory/products/{p}/": {"clerk", "finance", "keeper", "manager"},
    "/inventory/warehouses/": {"keeper", "manager"},
    "/inventory/warehouses/?export=csv": {"keeper", "manager"},
    "/inventory/warehouses/new/": {"manager"},
    "/inventory/warehouses/{w}/": {"keeper", "manager"},
    "/orders/price-lists/": OFFICE,
    "/orders/price-lists/?export=xlsx": OFFICE,
    "/orders/price-lists/new/": {"manager"},
    "/orders/price-lists/{l}/": OFFICE,
    "/help/": set(ROLES),
    "/audit/": {"manager"},
    "/audit/?export=xlsx": {"manager"},
    "/orders/customer-prices/": OFFICE,
    "/orders/customer-prices/?export=csv": OFFICE,
    "/orders/customer-prices/new/": {"clerk", "manager"},
    "/api/v1/customer-prices/": OFFICE,
    "/inventory/warehouses/{w}/locations/new/": {"manager"},
    "/inventory/locations/{b}/": {"keeper", "manager"},
    "/orders/customer-prices/{a}/": OFFICE,
    "/api/v1/customer-prices/{a}/": OFFICE,
    "/api/v1/products/": {"clerk", "finance", "keeper", "manager"},
    "/api/v1/products/{p}/": {"clerk", "finance", "keeper", "manager"},
    "/api/v1/warehouses/": {"keeper", "manager"},
    "/api/v1/warehouses/{w}/": {"keeper", "manager"},
    "/api/v1/locations/": {"keeper", "manager"},
    "/api/v1/locations/{b}/": {"keeper", "manager"},
    "/api/v1/price-lists/": OFFICE,
    "/api/v1/price-lists/{l}/": OFFICE,
    "/api/v1/imports/": {"clerk", "finance", "keeper", "manager"},
    "/orders/": OFFICE,
    "/orders/new/": {"clerk", "manager"},
    "/orders/new/line/": {"clerk", "manager"},
    "/orders/new/price/": {"clerk", "manager"},
    "/orders/approvals/": {"manager"},
    "/orders/{o}/": OFFICE,
    "/sales/quotations/": {"clerk", "manager"},
    "/sales/quotations/new/": {"clerk", "manager"},
    "/sales/quotations/{q}/": {"clerk", "manager"},
    "/sales/quotations/{q}/pdf/": {"clerk", "manager"},
    "/api/v1/quotations/": {"clerk", "manager"},
    "/api/v1/quotations/{q}/": {"clerk", "manager"},
    "/sales/targets/": {"clerk", "manager"},
    "/sales/targets/{t}/": {"clerk", "manager"},
    "/sales/progress/": {"clerk", "manager"},
    "/sales/progress/?format=xlsx": {"clerk", "manager"},
    "/sales/meeting/": {"manager"},
    "/sales/meeting/pdf/": {"manager"},
    "/sales/commission/": {"finance", "manager"},
    "/sales/commission/statement/": {"finance", "manager"},
    "/api/v1/sales-targets/": {"clerk", "manager"},
    "/api/v1/sales-targets/{t}/": {"clerk", "manager"},
    "/api/v1/target-progress/": {"clerk", "manager"},
    "/api/v1/commission-statements/?month=2026-01": {"finance", "manager"},
    "/api/v1/commission-rules/": {"finance", "manager"},
    "/sales/product-groups/": {"clerk", "manager"},
    "/sales/product-groups/new/": {"manager"},
    "/sales/product-groups/{g}/": {"clerk", "manager"},
    "/sales/teams/": {"manager"},
    "/sales/teams/new/": {"manager"},
    "/sales/teams/{m}/": {"manager"},
    "/sales/commission-rules/": {"finance", "manager"},
    "/orders/{d}/edit/": {"clerk", "manager"},
    "/orders/{o}/issue/": {"clerk", "manager"},
    "/orders/{o}/pdf/": OFFICE,
    "/orders/notes/": NOTES,
    "/orders/notes/{n}/": NOTES,
    "/orders/notes/{s}/dispatch/": {"keeper", "manager"},
    "/orders/notes/{n}/pdf/": NOTES,
    "/orders/gate/": {"guard", "manager"},
    "/orders/gate/check/": {"guard", "manager"},
    "/orders/gate/exit/": {"guard", "manager"},
    "/finance/payments/": {"finance", "manager"},
    "/finance/payments/new/": {"finance", "manager"},
    "/finance/customers/{c}/": {"finance", "manager"},
    "/finance/payments/open-invoices/?customer={c}": {"finance", "manager"},
    "/finance/invoices/": {"finance", "manager"},
    "/finance/invoices/{i}/": {"finance", "manager"},
    "/finance/invoices/{i}/pdf/": {"finance", "manager"},
    "/notices/": set(ROLES),
    "/finance/aging/": {"finance", "manager"},
    "/finance/aging/export/?format=xlsx": {"finance", "manager"},
    "/finance/aging/customers/{c}/": {"finance", "manager"},
    "/finance/reminders/": {"finance", "manager"},
    "/finance/reminders/{r}/letter/": {"finance", "manager"},
    "/finance/statements/": {"finance", "manager"},
    "/finance/statements/customers/{c}/": {"finance", "manager"},
    "/finance/statements/customers/{c}/pdf/": {"finance", "manager"},
    "/api/v1/customers/": OFFICE,
    "/api/v1/customers/{c}/": OFFICE,
    "/api/v1/stock/": {"clerk", "keeper", "manager"},
    "/api/v1/orders/": OFFICE,
    "/api/v1/orders/{o}/": OFFICE,
    "/api/v1/price-quote/?customer={c}&product={p}": OFFICE,
    "/api/v1/delivery-notes/": NOTES,
    "/api/v1/delivery-notes/{n}/": NOTES,
    "/api/v1/payments/": {"finance", "manager"},
    "/api/v1/customers/{c}/account/": {"finance", "manager"},
    "/api/v1/customers/{c}/ledger/": {"finance", "manager"},
    "/api/v1/invoices/": {"finance", "manager"},
    "/api/v1/invoices/{i}/": {"finance", "manager"},
    "/api/v1/invoices/{i}/pdf/": {"finance", "manager"},
    "/api/v1/notices/": set(ROLES),
    "/api/v1/aging/": {"finance", "manager"},
    "/api/v1/aging/customers/{c}/": {"finance", "manager"},
    "/api/v1/reminders/": {"finance", "manager"},
    "/api/v1/statements/": {"finance", "manager"},
    "/api/v1/customers/{c}/statement/": {"finance", "manager"},
    "/api/v1/customers/{c}/statement/pdf/": {"finance", "manager"},
    "/security/lockouts/": {"manager"},
    "/security/two-factor/": {"finance", "manager"},
    "/reports/": {"manager"},
    "/reports/sales/": {"manager"},
    "/reports/reconciliation/": {"manager"},
    "/api/v1/reports/dashboard/": {"manager"},
    "/api/v1/reports/sales/": {"manager"},
    "/api/v1/reports/reconciliation/": {"manager"},
    "/pickers/customers/?q=a": OFFICE,
    "/pickers/products/?q=a": {"clerk", "finance", "keeper", "manager"},
    "/pickers/batches/?q=a&product={p}": {"clerk", "keeper", "manager"},
    "/pickers/notes/?q=DN&status=issued": NOTES,
    # Contracts (issue 11): {k} production task, {v} requirement review.
    "/contracts/": OFFICE,
    "/contracts/?format=xlsx": OFFICE,
    "/contracts/{o}/": OFFICE,
    "/contracts/tasks/": NOTES,
    "/contracts/tasks/{k}/": NOTES,
    "/contracts/tasks/{k}/pdf/": NOTES,
    "/contracts/reviews/": {"clerk", "manager"},
    "/contracts/reviews/{v}/": {"clerk", "manager"},
    "/contracts/reviews/new/?order={d}": {"clerk", "manager"},
    "/contracts/follow-ups/": {"clerk", "manager"},
    "/api/v1/contracts/": OFFICE,
    "/api/v1/contracts/{o}/": OFFICE,
    "/api/v1/production-tasks/": NOTES,
    "/api/v1/production-tasks/{k}/": NOTES,
    "/api/v1/requirement-reviews/": {"clerk", "manager"},
    "/api/v1/requirement-reviews/{v}/": {"clerk", "manager"},
    "/api/v1/follow-ups/": {"clerk", "manager"},
    "/outbound/samples/": OFFICE,
    "/outbound/samples/new/": {"clerk"},
    "/outbound/samples/{y}/": OFFICE,
    "/outbound/samples/{y}/pdf/": OFFICE,
    "/outbound/requests/": OFFICE,
    "/outbound/requests/new/": {"clerk"},
    "/outbound/requests/{x}/": OFFICE,
    "/outbound/requests/{x}/pdf/": OFFICE,
    "/outbound/expenses/": {"finance", "manager"},
    "/outbound/expenses/?format=xlsx": {"finance", "manager"},
    "/api/v1/samples/": OFFICE,
    "/api/v1/samples/{y}/": OFFICE,
    "/api/v1/non-sale-requests/": OFFICE,
    "/api/v1/non-sale-requests/{x}/": OFFICE,
    "/api/v1/reports/outbound-expenses/": {"finance", "manager"},
}

# Routes that only take POST: their role checks live in each action's own tests.
POST_ONLY = {
    "api/v1/customer-prices/<int:pk>/approve/",
    "api/v1/customer-prices/<int:pk>/refuse/",
    "api/v1/price-lists/<int:pk>/items/",
    "api/v1/imports/<slug:kind>/",
    "help/hint/<slug:role>/close/",
    "orders/<int:pk>/<order_action:action>/",
    "orders/notes/<int:pk>/stamp/",
    "orders/notes/<int:pk>/stamp_override/",
    "orders/notes/<int:pk>/restamp/",
    "orders/notes/<int:pk>/restamp_override/",
    "orders/notes/<int:pk>/cancel/",
    "orders/notes/<int:pk>/reissue/",
    "api/v1/auth/token/",
    "sales/quotations/<int:pk>/<slug:action>/",
    "sales/targets/<int:pk>/lines/",
    "sales/targets/<int:pk>/import/",
    "sales/targets/<int:pk>/<slug:action>/",
    "sales/commission/close/",
    "api/v1/sales-targets/<int:pk>/lines/",
    "api/v1/sales-targets/<int:pk>/submit/",
    "api/v1/sales-targets/<int:pk>/approve/",
    "api/v1/sales-targets/<int:pk>/reject/",
    "api/v1/sales-targets/<int:pk>/revise/",
    "api/v1/commission-months/close/",
    "api/v1/quotations/<int:pk>/send/",
    "api/v1/quotations/<int:pk>/accept/",
    "api/v1/quotations/<int:pk>/decline/",
    "api/v1/orders/<int:pk>/submit/",
    "api/v1/orders/<int:pk>/approve/",
    "api/v1/orders/<int:pk>/reject/",
    "api/v1/orders/<int:pk>/revise/",
    "api/v1/orders/<int:pk>/cancel/",
    "api/v1/orders/<int:pk>/delivery-notes/",
    "api/v1/delivery-notes/<int:pk>/stamp/",
    "api/v1/delivery-notes/<int:pk>/dispatch/",
    "api/v1/delivery-notes/<int:pk>/restamp/",
    "api/v1/delivery-notes/<int:pk>/cancel/",
    "api/v1/exit-passes/check/",
    "api/v1/exit-passes/exit/",
    "notices/read/",
    "api/v1/notices/read/",
    "api/v1/customers/<int:pk>/credit-hold/",
    "api/v1/invoices/run/",
    "api/v1/invoices/<int:pk>/official-number/",
    "api/v1/invoices/<int:pk>/void/",
    "finance/invoices/run/",
    "security/lockouts/release/",
    "orders/notes/<int:pk>/ask-override/",
    "orders/approvals/approve/",
    "orders/notes/stamp/",
    "orders/notes/print/",
    "api/v1/delivery-notes/<int:pk>/ask-override/",
    "api/v1/orders/approve-many/",
    "api/v1/delivery-notes/stamp-many/",
    "api/v1/delivery-notes/print/",
    "contracts/tasks/<int:pk>/update/",
    "contracts/tasks/<int:pk>/receive/",
    "contracts/reviews/<int:pk>/opinion/",
    "contracts/reviews/<int:pk>/confirm/",
    "contracts/follow-ups/<int:pk>/record/",
    "api/v1/orders/<int:pk>/contract-review/approve/",
    "api/v1/orders/<int:pk>/contract-review/reject/",
    "api/v1/production-tasks/<int:pk>/receipts/",
    "api/v1/requirement-reviews/<int:pk>/opinions/",
    "api/v1/requirement-reviews/<int:pk>/confirm/",
    "api/v1/follow-ups/<int:pk>/record/",
    "outbound/samples/<int:pk>/<str:action>/",
    "outbound/requests/<int:pk>/<str:action>/",
    *(
        f"api/v1/samples/<int:pk>/{action}/"
        for action in ("submit", "approve", "reject", "issue-slip", "outcome", "cancel")
    ),
    *(
        f"api/v1/non-sale-requests/<int:pk>/{action}/"
        for action in ("submit", "check", "endorse", "approve", "reject", "issue-slip", "cancel")
    ),
}
PUBLIC = {
    "",  # the home page redirects anonymous users to the login page; listed in PAGES
    "healthz",
    "readyz",
    "metrics",  # loopback or METRICS_TOKEN, not a role: tests/ops/test_metrics.py
    "accounts/login/",
    "accounts/logout/",
    "admin/login/",  # redirects to the login page
    "i18n/setlang/",
    "jsi18n/",
    "api/schema/",
    "api/docs/",
}


@pytest.fixture
def documents(chain):
    from tests.outbound.world import gift_request, prospect_sample

    return {
        "c": chain.customer.pk,
        "p": chain.products[0].pk,
        "o": chain.order().pk,
        "d": chain.order(submit=False).pk,
        "n": chain.note().pk,
        "s": chain.stamped().pk,
        "r": _reminder(chain.customer).pk,
        "i": _invoice(chain.customer).pk,
        "q": _quotation(chain).pk,
        "w": chain.warehouse.pk,
        "l": _price_list().pk,
        "t": _target(chain).pk,
        "g": _product_group(chain).pk,
        "m": _team(chain).pk,
        "a": _customer_price(chain).pk,
        "b": _location(chain).pk,
        "k": _production_task(chain).pk,
        "v": _requirement_review(chain).pk,
        "y": prospect_sample(chain).pk,
        "x": gift_request(chain).pk,
    }


def _product_group(chain):
    from sales.services.setup import product_group_create

    return product_group_create(
        user=chain.manager, code="BOT", name="瓶装气", unit="cyl", products=chain.products[:1]
    )


def _team(chain):
    from sales.services.setup import sales_team_create

    return sales_team_create(user=chain.manager, name="East", members=[chain.clerk])


def _customer_price(chain):
    from customers.models import CustomerPrice

    return CustomerPrice.objects.create(
        customer=chain.customer, product=chain.products[0], price=1, valid_from="2026-01-01"
    )


def _location(chain):
    from inventory.models import Location

    return Location.objects.create(warehouse=chain.warehouse, code="A-01", name="Bay A1")


def _production_task(chain):
    from contracts.models import ProductionTask
    from orders.services.sales_orders import LineInput, sales_order_create, sales_order_submit

    order = sales_order_create(
        user=chain.clerk,
        customer=chain.customer,
        # products[1]: products[0] has an agreed price below the minimum ({a}), which
        # would hold the order for a manager's approval before any task exists.
        lines=[LineInput(product=chain.products[1], quantity=1200)],
    )
    order = sales_order_submit(order=order, user=chain.clerk)
    return ProductionTask.objects.get(order=order)


def _requirement_review(chain):
    from contracts.services.requirement_reviews import requirement_review_open
    from orders.services.sales_orders import LineInput, sales_order_create
    from tests.factories import ProductFactory

    special = ProductFactory(non_standard=True)
    order = sales_order_create(
        user=chain.clerk,
        customer=chain.customer,
        lines=[LineInput(product=special, quantity=1, unit_price=100)],
    )
    return requirement_review_open(order=order, requirements="特殊", user=chain.clerk)


def _price_list():
    from orders.models import PriceList

    return PriceList.objects.order_by("pk").first()


def _target(chain):
    from sales.services.targets import sales_target_create

    return sales_target_create(user=chain.clerk, year=2030)


def _quotation(chain):
    import datetime as dt

    from sales.services.quotations import QuotationLineInput, quotation_create
    from salesadmin.clock import company_today

    return quotation_create(
        user=chain.clerk,
        customer=chain.customer,
        lines=[QuotationLineInput(product=chain.products[0], quantity=1)],
        valid_until=company_today() + dt.timedelta(days=7),
        delivery_date=company_today() + dt.timedelta(days=7),
    )


def _invoice(customer):
    from tests.factories import InvoiceFactory

    return InvoiceFactory(customer=customer)


def _reminder(customer):
    from finance.models import Reminder
    from tests.factories import InvoiceFactory

    invoice = InvoiceFactory(customer=customer)
    return Reminder.objects.create(
        invoice=invoice, customer=customer, level=1, days_overdue=1, open_amount=invoice.amount
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_page_serves_its_roles_and_refuses_the_others(role, request, documents, client_for):
    client = client_for(request.getfixturevalue(role))
    wrong = []
    for url, allowed in PAGES.items():
        expected = 200 if role in allowed else 403
        status = client.get(url.format(**documents)).status_code
        if status != expected:
            wrong.append(f"{url}: {status}, expected {expected}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def test_anonymous_users_get_the_login_page_or_401(client, documents):
    wrong = []
    for url in PAGES:
        response = client.get(url.format(**documents))
        if url.startswith("/api/"):
            ok = response.status_code == 401
        else:
            ok = response.status_code == 302 and response["Location"].startswith(
                "/accounts/login/?next="
            )
        if not ok:
            wrong.append(f"{url}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


def _routes(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            yield from _routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _as_route(url: str) -> str:
    path = url.split("?")[0].strip("/")
    for key in "codnspriqwltgmabkvyx":
        path = path.replace("{" + key + "}", "<int:pk>")
    return path


def test_every_route_of_ours_has_a_role_test():
    """A new page must be added to PAGES (or POST_ONLY) above to pass."""
    from tests.imports.test_import_pages import routes_tested_here as import_routes
    from tests.returns.test_return_pages import routes_tested_here

    listed = {_as_route(u) for u in PAGES} | {r.strip("/") for r in POST_ONLY}
    listed |= routes_tested_here()  # returns, allowances and credit notes: tested there
    listed |= import_routes()  # spreadsheet imports: tests/imports
    missing = [
        route
        for route in _routes()
        if route.strip("/") not in listed and route not in PUBLIC and "<format>" not in route
    ]
    assert not missing, missing
