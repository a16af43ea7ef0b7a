"""The selling expense of samples and non-sale outbound, over the API: what
left stock at cost, by department and purpose (the page is outbound.views)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from outbound.apis import MONEY, QTY
from outbound.enums import Purpose
from outbound.models import SampleApplication
from outbound.selectors import outbound_expenses
from salesadmin.api import NamedChoiceField, StrictInput, error_responses
from salesadmin.clock import company_today


class ExpenseQuery(StrictInput):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)


class ExpenseRowOutput(serializers.Serializer):
    department = serializers.CharField()
    purpose = NamedChoiceField(enum_name="OutboundPurposeEnum", choices=Purpose.choices)
    documents = serializers.IntegerField()
    quantity = serializers.DecimalField(**QTY)
    cost = serializers.DecimalField(**MONEY)


class OutboundExpenseApi(generics.GenericAPIView):
    """Samples and non-sale outbound that left stock, at cost, by department and purpose."""

    required_perms = ("outbound.view_outbound_expenses",)
    queryset = SampleApplication.objects.none()
    serializer_class = ExpenseRowOutput
    pagination_class = None

    @extend_schema(
        summary="Selling expense of samples and non-sale outbound",
        parameters=[
            OpenApiParameter("date_from", str, required=False, description="YYYY-MM-DD"),
            OpenApiParameter("date_to", str, required=False, description="YYYY-MM-DD"),
        ],
        responses={200: ExpenseRowOutput(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        query = ExpenseQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = company_today()
        rows = outbound_expenses(
            date_from=query.validated_data.get("date_from") or today.replace(day=1),
            date_to=query.validated_data.get("date_to") or today,
        )
        return Response(ExpenseRowOutput(rows, many=True).data)
