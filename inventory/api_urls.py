from django.urls import path

from inventory import apis, master_apis

urlpatterns = [
    path("stock/", apis.StockListApi.as_view(), name="api-stock-list"),
    path("products/", master_apis.ProductListApi.as_view(), name="api-product-list"),
    path("products/<int:pk>/", master_apis.ProductDetailApi.as_view(), name="api-product-detail"),
    path("warehouses/", master_apis.WarehouseListApi.as_view(), name="api-warehouse-list"),
    path(
        "warehouses/<int:pk>/",
        master_apis.WarehouseDetailApi.as_view(),
        name="api-warehouse-detail",
    ),
    path("locations/", master_apis.LocationListApi.as_view(), name="api-location-list"),
    path(
        "locations/<int:pk>/", master_apis.LocationDetailApi.as_view(), name="api-location-detail"
    ),
]
