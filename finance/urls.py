from django.urls import path

from finance import views

app_name = "finance"
urlpatterns = [
    path("payments/", views.payment_list, name="payment_list"),
    path("payments/new/", views.payment_create, name="payment_create"),
    path("customers/<int:pk>/", views.customer_account, name="customer_account"),
]
