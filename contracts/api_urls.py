from django.urls import path

from contracts import apis

urlpatterns = [
    path("contracts/", apis.ContractRegisterApi.as_view(), name="api-contract-list"),
    path("contracts/<int:pk>/", apis.ContractDetailApi.as_view(), name="api-contract-detail"),
    path("production-tasks/", apis.TaskListApi.as_view(), name="api-task-list"),
    path("production-tasks/<int:pk>/", apis.TaskDetailApi.as_view(), name="api-task-detail"),
    path(
        "production-tasks/<int:pk>/receipts/",
        apis.TaskReceiveApi.as_view(),
        name="api-task-receive",
    ),
    path("requirement-reviews/", apis.ReviewListCreateApi.as_view(), name="api-review-list"),
    path("requirement-reviews/<int:pk>/", apis.ReviewDetailApi.as_view(), name="api-review-detail"),
    path(
        "requirement-reviews/<int:pk>/opinions/",
        apis.ReviewOpinionApi.as_view(),
        name="api-review-opinion",
    ),
    path(
        "requirement-reviews/<int:pk>/confirm/",
        apis.ReviewConfirmApi.as_view(),
        name="api-review-confirm",
    ),
    path("follow-ups/", apis.FollowUpListApi.as_view(), name="api-follow-up-list"),
    path(
        "follow-ups/<int:pk>/record/", apis.FollowUpRecordApi.as_view(), name="api-follow-up-record"
    ),
]
