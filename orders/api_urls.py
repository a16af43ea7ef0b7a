from django.urls import path

from orders.apis import bulk, customer_prices, delivery_notes, gate, price_lists, sales_orders

urlpatterns = [
    path("orders/", sales_orders.OrderListCreateApi.as_view(), name="api-order-list"),
    path("orders/<int:pk>/", sales_orders.OrderDetailApi.as_view(), name="api-order-detail"),
    path("orders/<int:pk>/submit/", sales_orders.OrderSubmitApi.as_view(), name="api-order-submit"),
    path(
        "orders/<int:pk>/approve/", sales_orders.OrderApproveApi.as_view(), name="api-order-approve"
    ),
    path("orders/<int:pk>/reject/", sales_orders.OrderRejectApi.as_view(), name="api-order-reject"),
    path("orders/<int:pk>/revise/", sales_orders.OrderReviseApi.as_view(), name="api-order-revise"),
    path("orders/<int:pk>/cancel/", sales_orders.OrderCancelApi.as_view(), name="api-order-cancel"),
    path(
        "orders/<int:pk>/contract-review/approve/",
        sales_orders.ContractReviewApproveApi.as_view(),
        name="api-order-review-approve",
    ),
    path(
        "orders/<int:pk>/contract-review/reject/",
        sales_orders.ContractReviewRejectApi.as_view(),
        name="api-order-review-reject",
    ),
    path(
        "orders/<int:pk>/delivery-notes/",
        delivery_notes.NoteIssueApi.as_view(),
        name="api-order-note-issue",
    ),
    path("price-quote/", sales_orders.PriceQuoteApi.as_view(), name="api-price-quote"),
    path("delivery-notes/", delivery_notes.NoteListApi.as_view(), name="api-note-list"),
    path(
        "delivery-notes/<int:pk>/", delivery_notes.NoteDetailApi.as_view(), name="api-note-detail"
    ),
    path(
        "delivery-notes/<int:pk>/stamp/",
        delivery_notes.NoteStampApi.as_view(),
        name="api-note-stamp",
    ),
    path(
        "delivery-notes/<int:pk>/dispatch/",
        delivery_notes.NoteDispatchApi.as_view(),
        name="api-note-dispatch",
    ),
    path(
        "delivery-notes/<int:pk>/restamp/",
        delivery_notes.NoteRestampApi.as_view(),
        name="api-note-restamp",
    ),
    path(
        "delivery-notes/<int:pk>/cancel/",
        delivery_notes.NoteCancelApi.as_view(),
        name="api-note-cancel",
    ),
    path(
        "delivery-notes/<int:pk>/ask-override/",
        delivery_notes.NoteAskOverrideApi.as_view(),
        name="api-note-ask-override",
    ),
    path(
        "orders/approve-many/", bulk.OrdersApproveManyApi.as_view(), name="api-orders-approve-many"
    ),
    path(
        "delivery-notes/stamp-many/",
        bulk.NotesStampManyApi.as_view(),
        name="api-notes-stamp-many",
    ),
    path(
        "delivery-notes/print/",
        bulk.NotesPrintManyApi.as_view(),
        name="api-notes-print-many",
    ),
    path("price-lists/", price_lists.PriceListListApi.as_view(), name="api-price-list-list"),
    path(
        "price-lists/<int:pk>/",
        price_lists.PriceListDetailApi.as_view(),
        name="api-price-list-detail",
    ),
    path(
        "price-lists/<int:pk>/items/",
        price_lists.PriceListItemSetApi.as_view(),
        name="api-price-list-item-set",
    ),
    path(
        "customer-prices/",
        customer_prices.CustomerPriceListApi.as_view(),
        name="api-customer-price-list",
    ),
    path(
        "customer-prices/<int:pk>/",
        customer_prices.CustomerPriceDetailApi.as_view(),
        name="api-customer-price-detail",
    ),
    path(
        "customer-prices/<int:pk>/approve/",
        customer_prices.CustomerPriceApproveApi.as_view(),
        name="api-customer-price-approve",
    ),
    path(
        "customer-prices/<int:pk>/refuse/",
        customer_prices.CustomerPriceRefuseApi.as_view(),
        name="api-customer-price-refuse",
    ),
    path("exit-passes/check/", gate.ExitPassCheckApi.as_view(), name="api-exit-pass-check"),
    path("exit-passes/exit/", gate.ExitPassExitApi.as_view(), name="api-exit-pass-exit"),
]
