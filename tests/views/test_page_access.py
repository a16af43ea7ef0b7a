"""Every page and API endpoint refuses the wrong role and serves the right one."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import CustomerFactory

ROLES = ("clerk", "finance", "keeper", "guard", "manager")

# url (``{c}`` is a customer's pk) → the personas allowed; everyone else gets 403.
PAGES = {
    "/": set(ROLES),
    "/customers/": {"clerk", "finance", "manager"},
    "/customers/{c}/": {"clerk", "finance", "manager"},
    "/customers/new/": {"clerk", "manager"},
    "/customers/{c}/edit/": {"clerk", "manager"},
    "/customers/{c}/credit/": {"manager"},
    "/inventory/stock/": {"clerk", "keeper", "manager"},
    "/inventory/receipts/new/": {"keeper", "manager"},
    "/inventory/moves/": {"keeper", "manager"},
    "/api/v1/customers/": {"clerk", "finance", "manager"},
    "/api/v1/customers/{c}/": {"clerk", "finance", "manager"},
    "/api/v1/stock/": {"clerk", "keeper", "manager"},
}


@pytest.fixture
def personas(clerk, finance, keeper, guard, manager):
    return {
        "clerk": clerk,
        "finance": finance,
        "keeper": keeper,
        "guard": guard,
        "manager": manager,
    }


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_page_serves_right_role_and_refuses_others(url, role, personas, client_for):
    customer = CustomerFactory()
    response = client_for(personas[role]).get(url.format(c=customer.pk))
    expected = 200 if role in PAGES[url] else 403
    assert response.status_code == expected, f"{role} on {url}"


@pytest.mark.parametrize("url", [u for u in PAGES if not u.startswith("/api/")])
def test_anonymous_user_gets_the_login_page(url, client, db):
    customer = CustomerFactory()
    response = client.get(url.format(c=customer.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", [u for u in PAGES if u.startswith("/api/")])
def test_anonymous_api_call_is_unauthorized(url, client, db):
    customer = CustomerFactory()
    response = client.get(url.format(c=customer.pk))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def _our_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin" or "django" in (
                entry.urlconf_name.__name__ if hasattr(entry.urlconf_name, "__name__") else ""
            ):
                continue
            yield from _our_patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_every_page_of_ours_is_in_the_role_table_or_public():
    """A new page must be added to PAGES above (and so to a role) to pass."""
    public = {
        "healthz",
        "accounts/login/",
        "accounts/logout/",
        "i18n/setlang/",
        "jsi18n/",
        "api/schema/",
        "api/docs/",
    }
    listed = {u.strip("/").replace("{c}", "<int:pk>") for u in PAGES}
    for route, _callback in _our_patterns():
        route = route.lstrip("^").rstrip("$")
        if route.startswith("admin/") or route in public:
            continue
        assert route.strip("/") in listed, f"page {route!r} has no role test"
