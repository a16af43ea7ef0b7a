from django.urls import path

from outbound import views

app_name = "outbound"
urlpatterns = [
    path("samples/", views.sample_list_page, name="sample_list"),
    path("samples/new/", views.sample_create_page, name="sample_create"),
    path("samples/<int:pk>/", views.sample_detail_page, name="sample_detail"),
    path("samples/<int:pk>/pdf/", views.sample_pdf, name="sample_pdf"),
    path("samples/<int:pk>/<str:action>/", views.sample_action, name="sample_action"),
    path("requests/", views.request_list_page, name="request_list"),
    path("requests/new/", views.request_create_page, name="request_create"),
    path("requests/<int:pk>/", views.request_detail_page, name="request_detail"),
    path("requests/<int:pk>/pdf/", views.request_pdf, name="request_pdf"),
    path("requests/<int:pk>/<str:action>/", views.request_action, name="request_action"),
    path("expenses/", views.expense_report_page, name="expense_report"),
]
