from django.urls import path

from sales import apis, target_apis

urlpatterns = [
    path("quotations/", apis.QuotationListCreateApi.as_view(), name="api-quotation-list"),
    path("quotations/<int:pk>/", apis.QuotationDetailApi.as_view(), name="api-quotation-detail"),
    path("quotations/<int:pk>/send/", apis.QuotationSendApi.as_view(), name="api-quotation-send"),
    path(
        "quotations/<int:pk>/accept/",
        apis.QuotationAcceptApi.as_view(),
        name="api-quotation-accept",
    ),
    path(
        "quotations/<int:pk>/decline/",
        apis.QuotationDeclineApi.as_view(),
        name="api-quotation-decline",
    ),
]

# Targets, progress and commission (issue 17).
urlpatterns += [
    path("sales-targets/", target_apis.TargetListCreateApi.as_view(), name="api-target-list"),
    path(
        "sales-targets/<int:pk>/", target_apis.TargetDetailApi.as_view(), name="api-target-detail"
    ),
    path(
        "sales-targets/<int:pk>/lines/",
        target_apis.TargetLinesApi.as_view(),
        name="api-target-lines",
    ),
    path(
        "sales-targets/<int:pk>/submit/",
        target_apis.TargetSubmitApi.as_view(),
        name="api-target-submit",
    ),
    path(
        "sales-targets/<int:pk>/approve/",
        target_apis.TargetApproveApi.as_view(),
        name="api-target-approve",
    ),
    path(
        "sales-targets/<int:pk>/reject/",
        target_apis.TargetRejectApi.as_view(),
        name="api-target-reject",
    ),
    path(
        "sales-targets/<int:pk>/revise/",
        target_apis.TargetReviseApi.as_view(),
        name="api-target-revise",
    ),
    path("target-progress/", target_apis.ProgressApi.as_view(), name="api-target-progress"),
    path(
        "commission-statements/",
        target_apis.CommissionStatementsApi.as_view(),
        name="api-commission-statements",
    ),
    path(
        "commission-months/close/",
        target_apis.CommissionCloseApi.as_view(),
        name="api-commission-close",
    ),
    path(
        "commission-rules/",
        target_apis.CommissionRuleListCreateApi.as_view(),
        name="api-commission-rules",
    ),
]
