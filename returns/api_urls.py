from django.urls import path

from returns.apis import allowances, report
from returns.apis import return_applications as apis

urlpatterns = [
    path("returns/", apis.ReturnListCreateApi.as_view(), name="api-return-list"),
    path("returns/<int:pk>/", apis.ReturnDetailApi.as_view(), name="api-return-detail"),
    path("returns/<int:pk>/submit/", apis.ReturnSubmitApi.as_view(), name="api-return-submit"),
    path("returns/<int:pk>/inspect/", apis.ReturnInspectApi.as_view(), name="api-return-inspect"),
    path("returns/<int:pk>/approve/", apis.ReturnApproveApi.as_view(), name="api-return-approve"),
    path("returns/<int:pk>/reject/", apis.ReturnRejectApi.as_view(), name="api-return-reject"),
    path("returns/<int:pk>/receive/", apis.ReturnReceiveApi.as_view(), name="api-return-receive"),
    path("returns/<int:pk>/close/", apis.ReturnCloseApi.as_view(), name="api-return-close"),
    path("returns/<int:pk>/cancel/", apis.ReturnCancelApi.as_view(), name="api-return-cancel"),
    path("allowances/", allowances.AllowanceListCreateApi.as_view(), name="api-allowance-list"),
    path(
        "allowances/<int:pk>/", allowances.AllowanceDetailApi.as_view(), name="api-allowance-detail"
    ),
    path(
        "allowances/<int:pk>/submit/",
        allowances.AllowanceSubmitApi.as_view(),
        name="api-allowance-submit",
    ),
    path(
        "allowances/<int:pk>/approve/",
        allowances.AllowanceApproveApi.as_view(),
        name="api-allowance-approve",
    ),
    path(
        "allowances/<int:pk>/reject/",
        allowances.AllowanceRejectApi.as_view(),
        name="api-allowance-reject",
    ),
    path(
        "allowances/<int:pk>/cancel/",
        allowances.AllowanceCancelApi.as_view(),
        name="api-allowance-cancel",
    ),
    path("reports/returns/", report.ReturnsReportApi.as_view(), name="api-returns-report"),
]
