from django.urls import path

from finance import apis

urlpatterns = [
    path("payments/", apis.PaymentListCreateApi.as_view(), name="api-payment-list"),
    path(
        "customers/<int:pk>/account/",
        apis.CustomerAccountApi.as_view(),
        name="api-customer-account",
    ),
]
