from django.urls import path

from finance import collection_views, credit_note_views, views

app_name = "finance"
urlpatterns = [
    path("payments/", views.payment_list, name="payment_list"),
    path("payments/new/", views.payment_create, name="payment_create"),
    path("payments/open-invoices/", views.payment_open_invoices, name="payment_open_invoices"),
    path("customers/<int:pk>/", views.customer_account, name="customer_account"),
    path("customers/<int:pk>/refund/", credit_note_views.customer_refund, name="customer_refund"),
    path("invoices/", views.invoice_list, name="invoice_list"),
    path("invoices/run/", views.invoice_run, name="invoice_run"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    # Credit notes and refunds (finance/credit_note_views.py)
    path("credit-notes/", credit_note_views.credit_note_list, name="credit_note_list"),
    path("credit-notes/<int:pk>/", credit_note_views.credit_note_detail, name="credit_note_detail"),
    path("credit-notes/<int:pk>/pdf/", credit_note_views.credit_note_pdf, name="credit_note_pdf"),
    path(
        "credit-notes/<int:pk>/refund/",
        credit_note_views.credit_note_refund,
        name="credit_note_refund",
    ),
    # Aging, reminders and statements (finance/collection_views.py)
    path("aging/", collection_views.aging_page, name="aging"),
    path("aging/export/", collection_views.aging_export, name="aging_export"),
    path("aging/customers/<int:pk>/", collection_views.aging_customer, name="aging_customer"),
    path("reminders/", collection_views.reminder_list, name="reminder_list"),
    path("reminders/<int:pk>/letter/", collection_views.reminder_letter, name="reminder_letter"),
    path("statements/", collection_views.statement_list, name="statement_list"),
    path(
        "statements/customers/<int:pk>/",
        collection_views.statement_customer,
        name="statement_customer",
    ),
    path(
        "statements/customers/<int:pk>/pdf/", collection_views.statement_pdf, name="statement_pdf"
    ),
]
