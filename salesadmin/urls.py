from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView

from portal import audit_views, help_views, import_views, pickers
from portal import views as portal_views
from salesadmin import health, metrics
from salesadmin.security import api_docs, token_api
from salesadmin.security import views as security_views

api_v1 = [
    path("auth/token/", token_api.AuthTokenApi.as_view(), name="api-token"),
    path("", include("customers.api_urls")),
    path("", include("inventory.api_urls")),
    path("", include("orders.api_urls")),
    path("", include("finance.api_urls")),
    path("", include("returns.api_urls")),
    path("", include("outbound.api_urls")),
    path("notices/", include("notices.api_urls")),
    path("", include("reports.api_urls")),
    path("", include("sales.api_urls")),
    path("", include("portal.api_urls")),
    path("", include("contracts.api_urls")),
]

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("audit/", audit_views.audit, name="audit"),
    path("help/", help_views.help_page, name="help"),
    path("help/hint/<slug:role>/close/", help_views.hint_close, name="hint_close"),
    path("import/", import_views.import_list, name="import_list"),
    path("import/<slug:kind>/", import_views.import_page, name="import_page"),
    path("import/<slug:kind>/template/", import_views.import_template, name="import_template"),
    path("pickers/customers/", pickers.customers, name="picker_customers"),
    path("pickers/products/", pickers.products, name="picker_products"),
    path("pickers/batches/", pickers.batches, name="picker_batches"),
    path("pickers/notes/", pickers.notes, name="picker_notes"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("notices/", include("notices.urls")),
    path(
        "accounts/login/",
        security_views.LoginView.as_view(),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("customers/", include("customers.urls")),
    path("inventory/", include("inventory.urls")),
    path("orders/", include("orders.urls")),
    path("finance/", include("finance.urls")),
    path("returns/", include("returns.urls")),
    path("outbound/", include("outbound.urls")),
    path("reports/", include("reports.urls")),
    path("security/", include("salesadmin.security.urls")),
    path("admin/login/", security_views.admin_login),  # one login page: lockout, two-factor
    path("sales/", include("sales.urls")),
    path("contracts/", include("contracts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs.SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

# The API answers JSON with a code even where no DRF view answered; database
# faults answer 503 with a code, never Django's HTML 500.
handler400 = "salesadmin.security.errors.bad_request"
handler403 = "salesadmin.security.errors.permission_denied"
handler404 = "salesadmin.security.errors.page_not_found"
handler500 = "salesadmin.middleware.db_faults.server_error"
