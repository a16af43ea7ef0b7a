from django.urls import path

from notices import apis

urlpatterns = [
    path("", apis.NoticeListApi.as_view(), name="api-notice-list"),
    path("read/", apis.NoticeMarkReadApi.as_view(), name="api-notice-read"),
]
