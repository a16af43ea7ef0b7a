from django.urls import path

from inventory import master_views, views

app_name = "inventory"
urlpatterns = [
    path("stock/", views.stock_overview, name="stock"),
    path("receipts/new/", views.production_receipt, name="receipt"),
    path("moves/", views.move_list, name="moves"),
    path("products/", master_views.product_list, name="products"),
    path("products/new/", master_views.product_new, name="product_new"),
    path("products/<int:pk>/", master_views.product_edit, name="product_edit"),
    path("warehouses/", master_views.warehouse_list, name="warehouses"),
    path("warehouses/new/", master_views.warehouse_new, name="warehouse_new"),
    path("warehouses/<int:pk>/", master_views.warehouse_edit, name="warehouse_edit"),
    path(
        "warehouses/<int:pk>/locations/new/",
        master_views.location_new,
        name="location_new",
    ),
    path("locations/<int:pk>/", master_views.location_edit, name="location_edit"),
]
