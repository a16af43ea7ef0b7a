"""The returns report (退货追究制) by cause, product, customer or month."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from returns.apis.common import (
    MONEY,
    QTY,
)
from returns.models import ReturnApplication
from returns.selectors import (
    GROUPS,
    returns_report,
)
from salesadmin.api import (
    error_responses,
)

# --- The returns report ----------------------------------------------------------------------


class ReturnsReportQuery(serializers.Serializer):
    group = serializers.ChoiceField(choices=[(g, g) for g in GROUPS], default="cause")
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)


class ReturnsReportRowOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    returns = serializers.IntegerField()
    quantity = serializers.DecimalField(**QTY)
    value = serializers.DecimalField(**MONEY)


class ReturnsReportApi(generics.GenericAPIView):
    """Returns received, by cause, product, customer or month (退货追究制)."""

    required_perms = ("returns.view_returns_report",)
    queryset = ReturnApplication.objects.none()
    serializer_class = ReturnsReportRowOutput
    pagination_class = None

    @extend_schema(
        summary="Returns report",
        parameters=[
            OpenApiParameter("group", str, enum=list(GROUPS), required=False),
            OpenApiParameter("date_from", str, required=False, description="YYYY-MM-DD"),
            OpenApiParameter("date_to", str, required=False, description="YYYY-MM-DD"),
        ],
        responses={200: ReturnsReportRowOutput(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        query = ReturnsReportQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = returns_report(
            group=query.validated_data["group"],
            date_from=query.validated_data.get("date_from"),
            date_to=query.validated_data.get("date_to"),
        )
        return Response(ReturnsReportRowOutput(rows, many=True).data)
