from django.urls import path

from inventory import apis

urlpatterns = [
    path("stock/", apis.StockListApi.as_view(), name="api-stock-list"),
]
