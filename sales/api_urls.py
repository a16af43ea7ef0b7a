from django.urls import path

from sales import apis

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
