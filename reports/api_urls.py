from django.urls import path

from reports import apis

urlpatterns = [
    path("reports/dashboard/", apis.DashboardApi.as_view(), name="api-report-dashboard"),
    path("reports/sales/", apis.SalesApi.as_view(), name="api-report-sales"),
    path(
        "reports/reconciliation/",
        apis.ReconciliationApi.as_view(),
        name="api-report-reconciliation",
    ),
]
