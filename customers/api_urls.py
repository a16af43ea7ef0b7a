from django.urls import path

from customers import apis

urlpatterns = [
    path("customers/", apis.CustomerListApi.as_view(), name="api-customer-list"),
    path("customers/<int:pk>/", apis.CustomerDetailApi.as_view(), name="api-customer-detail"),
]
