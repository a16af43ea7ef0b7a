from orders.views import bulk, customer_prices, gate, notes, orders, pdf, price_lists

app_name = "orders"
urlpatterns = [
    *orders.urlpatterns,
    *bulk.urlpatterns,
    *notes.urlpatterns,
    *gate.urlpatterns,
    *pdf.urlpatterns,
    *price_lists.urlpatterns,
    *customer_prices.urlpatterns,
]
