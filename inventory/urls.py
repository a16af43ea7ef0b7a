from django.urls import path

from inventory import views

app_name = "inventory"
urlpatterns = [
    path("stock/", views.stock_overview, name="stock"),
    path("receipts/new/", views.production_receipt, name="receipt"),
    path("moves/", views.move_list, name="moves"),
]
