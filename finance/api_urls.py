from django.urls import path

from finance import apis, report_apis

urlpatterns = [
    path("payments/", apis.PaymentListCreateApi.as_view(), name="api-payment-list"),
    path(
        "customers/<int:pk>/account/",
        apis.CustomerAccountApi.as_view(),
        name="api-customer-account",
    ),
    # Aging, reminders and statements (finance/report_apis.py)
    path("aging/", report_apis.AgingApi.as_view(), name="api-aging"),
    path(
        "aging/customers/<int:pk>/",
        report_apis.AgingCustomerApi.as_view(),
        name="api-aging-customer",
    ),
    path("reminders/", report_apis.ReminderListApi.as_view(), name="api-reminder-list"),
    path("statements/", report_apis.StatementListApi.as_view(), name="api-statement-list"),
    path(
        "customers/<int:pk>/statement/",
        report_apis.CustomerStatementApi.as_view(),
        name="api-customer-statement",
    ),
    path(
        "customers/<int:pk>/statement/pdf/",
        report_apis.CustomerStatementPdfApi.as_view(),
        name="api-customer-statement-pdf",
    ),
]
