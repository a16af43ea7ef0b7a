from django.urls import path

from portal import apis

urlpatterns = [
    path("imports/", apis.ImportKindListApi.as_view(), name="api-import-kinds"),
    path("imports/<slug:kind>/", apis.ImportRunApi.as_view(), name="api-import-run"),
]
