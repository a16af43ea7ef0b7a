from django.urls import path

from salesadmin.security import views

app_name = "security"

urlpatterns = [
    path("lockouts/", views.lockouts, name="lockouts"),
    path("lockouts/release/", views.lockout_release, name="lockout_release"),
    path("two-factor/", views.two_factor, name="two_factor"),
]
