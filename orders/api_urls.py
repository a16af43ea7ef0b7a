from django.urls import path

from orders import apis

urlpatterns = [
    path("orders/", apis.OrderListCreateApi.as_view(), name="api-order-list"),
    path("orders/<int:pk>/", apis.OrderDetailApi.as_view(), name="api-order-detail"),
    path("orders/<int:pk>/submit/", apis.OrderSubmitApi.as_view(), name="api-order-submit"),
    path("orders/<int:pk>/approve/", apis.OrderApproveApi.as_view(), name="api-order-approve"),
    path("orders/<int:pk>/reject/", apis.OrderRejectApi.as_view(), name="api-order-reject"),
    path("orders/<int:pk>/revise/", apis.OrderReviseApi.as_view(), name="api-order-revise"),
    path("orders/<int:pk>/cancel/", apis.OrderCancelApi.as_view(), name="api-order-cancel"),
    path(
        "orders/<int:pk>/delivery-notes/",
        apis.NoteIssueApi.as_view(),
        name="api-order-note-issue",
    ),
    path("price-quote/", apis.PriceQuoteApi.as_view(), name="api-price-quote"),
    path("delivery-notes/", apis.NoteListApi.as_view(), name="api-note-list"),
    path("delivery-notes/<int:pk>/", apis.NoteDetailApi.as_view(), name="api-note-detail"),
    path("delivery-notes/<int:pk>/stamp/", apis.NoteStampApi.as_view(), name="api-note-stamp"),
    path(
        "delivery-notes/<int:pk>/dispatch/",
        apis.NoteDispatchApi.as_view(),
        name="api-note-dispatch",
    ),
    path(
        "delivery-notes/<int:pk>/restamp/",
        apis.NoteRestampApi.as_view(),
        name="api-note-restamp",
    ),
    path("delivery-notes/<int:pk>/cancel/", apis.NoteCancelApi.as_view(), name="api-note-cancel"),
    path("exit-passes/check/", apis.ExitPassCheckApi.as_view(), name="api-exit-pass-check"),
    path("exit-passes/exit/", apis.ExitPassExitApi.as_view(), name="api-exit-pass-exit"),
]
