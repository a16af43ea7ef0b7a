from django.urls import path

from notices import views

urlpatterns = [
    path("", views.notice_list, name="notices"),
    path("read/", views.notice_mark_read, name="notice_mark_read"),
]
