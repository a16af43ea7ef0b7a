"""Pages: pdf (urlpatterns is included by orders/urls.py)."""

urlpatterns: list = []
