from django.urls import path

from returns.views import allowances, report
from returns.views import return_applications as views

app_name = "returns"
urlpatterns = [
    path("", views.return_list, name="return_list"),
    path("new/", views.return_create, name="return_create"),
    path("<int:pk>/", views.return_detail, name="return_detail"),
    path("<int:pk>/edit/", views.return_edit, name="return_edit"),
    path(
        "<int:pk>/<str:action>/",
        views.return_action,
        name="return_action",
    ),
    path("allowances/", allowances.allowance_list, name="allowance_list"),
    path("allowances/new/", allowances.allowance_create_page, name="allowance_create"),
    path("allowances/<int:pk>/", allowances.allowance_detail, name="allowance_detail"),
    path(
        "allowances/<int:pk>/<str:action>/",
        allowances.allowance_action,
        name="allowance_action",
    ),
    path("report/", report.returns_report_page, name="report"),
]
