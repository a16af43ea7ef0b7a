from django.urls import path

from finance import collection_apis
from finance.apis import accounts, credit_notes, invoices, payments

urlpatterns = [
    path("payments/", payments.PaymentListCreateApi.as_view(), name="api-payment-list"),
    path(
        "payments/<int:pk>/refund/",
        credit_notes.PaymentRefundApi.as_view(),
        name="api-payment-refund",
    ),
    path(
        "customers/<int:pk>/account/",
        accounts.CustomerAccountApi.as_view(),
        name="api-customer-account",
    ),
    path(
        "customers/<int:pk>/ledger/",
        accounts.CustomerLedgerApi.as_view(),
        name="api-customer-ledger",
    ),
    path(
        "customers/<int:pk>/credit-hold/",
        accounts.CustomerCreditHoldApi.as_view(),
        name="api-customer-credit-hold",
    ),
    path("invoices/", invoices.InvoiceListApi.as_view(), name="api-invoice-list"),
    path("invoices/run/", invoices.InvoiceRunApi.as_view(), name="api-invoice-run"),
    path("invoices/<int:pk>/", invoices.InvoiceDetailApi.as_view(), name="api-invoice-detail"),
    path("invoices/<int:pk>/pdf/", invoices.InvoicePdfApi.as_view(), name="api-invoice-pdf"),
    path(
        "invoices/<int:pk>/official-number/",
        invoices.InvoiceOfficialNumberApi.as_view(),
        name="api-invoice-official-number",
    ),
    path("invoices/<int:pk>/void/", invoices.InvoiceVoidApi.as_view(), name="api-invoice-void"),
    # Credit notes and refunds (finance/credit_notes.py)
    path("credit-notes/", credit_notes.CreditNoteListApi.as_view(), name="api-credit-note-list"),
    path(
        "credit-notes/<int:pk>/",
        credit_notes.CreditNoteDetailApi.as_view(),
        name="api-credit-note-detail",
    ),
    path(
        "credit-notes/<int:pk>/pdf/",
        credit_notes.CreditNotePdfApi.as_view(),
        name="api-credit-note-pdf",
    ),
    path(
        "credit-notes/<int:pk>/refund/",
        credit_notes.CreditNoteRefundApi.as_view(),
        name="api-credit-note-refund",
    ),
    # Aging, reminders and statements (finance/collection_apis.py)
    path("aging/", collection_apis.AgingApi.as_view(), name="api-aging"),
    path(
        "aging/customers/<int:pk>/",
        collection_apis.AgingCustomerApi.as_view(),
        name="api-aging-customer",
    ),
    path("reminders/", collection_apis.ReminderListApi.as_view(), name="api-reminder-list"),
    path("statements/", collection_apis.StatementListApi.as_view(), name="api-statement-list"),
    path(
        "customers/<int:pk>/statement/",
        collection_apis.CustomerStatementApi.as_view(),
        name="api-customer-statement",
    ),
    path(
        "customers/<int:pk>/statement/pdf/",
        collection_apis.CustomerStatementPdfApi.as_view(),
        name="api-customer-statement-pdf",
    ),
]
