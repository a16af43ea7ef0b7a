from django.urls import path

from outbound import apis, expense_apis

urlpatterns = [
    path("samples/", apis.SampleListCreateApi.as_view(), name="api-sample-list"),
    path("samples/<int:pk>/", apis.SampleDetailApi.as_view(), name="api-sample-detail"),
    path("samples/<int:pk>/submit/", apis.SampleSubmitApi.as_view(), name="api-sample-submit"),
    path("samples/<int:pk>/approve/", apis.SampleApproveApi.as_view(), name="api-sample-approve"),
    path("samples/<int:pk>/reject/", apis.SampleRejectApi.as_view(), name="api-sample-reject"),
    path("samples/<int:pk>/issue-slip/", apis.SampleIssueSlipApi.as_view(), name="api-sample-slip"),
    path("samples/<int:pk>/outcome/", apis.SampleOutcomeApi.as_view(), name="api-sample-outcome"),
    path("samples/<int:pk>/cancel/", apis.SampleCancelApi.as_view(), name="api-sample-cancel"),
    path("non-sale-requests/", apis.RequestListCreateApi.as_view(), name="api-nonsale-list"),
    path("non-sale-requests/<int:pk>/", apis.RequestDetailApi.as_view(), name="api-nonsale-detail"),
    path(
        "non-sale-requests/<int:pk>/submit/",
        apis.RequestSubmitApi.as_view(),
        name="api-nonsale-submit",
    ),
    path(
        "non-sale-requests/<int:pk>/check/",
        apis.RequestCheckApi.as_view(),
        name="api-nonsale-check",
    ),
    path(
        "non-sale-requests/<int:pk>/endorse/",
        apis.RequestEndorseApi.as_view(),
        name="api-nonsale-endorse",
    ),
    path(
        "non-sale-requests/<int:pk>/approve/",
        apis.RequestApproveApi.as_view(),
        name="api-nonsale-approve",
    ),
    path(
        "non-sale-requests/<int:pk>/reject/",
        apis.RequestRejectApi.as_view(),
        name="api-nonsale-reject",
    ),
    path(
        "non-sale-requests/<int:pk>/issue-slip/",
        apis.RequestIssueSlipApi.as_view(),
        name="api-nonsale-slip",
    ),
    path(
        "non-sale-requests/<int:pk>/cancel/",
        apis.RequestCancelApi.as_view(),
        name="api-nonsale-cancel",
    ),
    path(
        "reports/outbound-expenses/",
        expense_apis.OutboundExpenseApi.as_view(),
        name="api-outbound-expenses",
    ),
]
