from orders.views import gate, notes, orders, pdf

app_name = "orders"
urlpatterns = [*orders.urlpatterns, *notes.urlpatterns, *gate.urlpatterns, *pdf.urlpatterns]
