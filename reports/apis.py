"""The reports API: the manager dashboard, the sales analysis and the
three-way reconciliation, the same figures as the pages (reports/selectors/)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from customers.models import Customer
from inventory.models import Product
from reports.enums import GroupBy, MismatchKind, Period
from reports.forms import MAX_DAYS, parse_month
from reports.selectors import dashboard_report, reconciliation_report, sales_analysis
from salesadmin.api import error_responses, validated_input
from salesadmin.clock import company_today
from salesadmin.decimal_input import parse_id

PERM = "reports.view_dashboard"
MONEY = {"max_digits": 16, "decimal_places": 2}
QTY = {"max_digits": 16, "decimal_places": 3}
SALES_API_ROWS = 1000


class RankedOutput(serializers.Serializer):
    id = serializers.IntegerField(source="key", allow_null=True)
    label = serializers.CharField()
    detail = serializers.CharField()
    value = serializers.DecimalField(**MONEY, help_text="Net of returns and allowances.")
    notes = serializers.IntegerField()
    quantity = serializers.DecimalField(**QTY, allow_null=True)
    unit = serializers.CharField()


class StageOutput(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    oldest_since = serializers.DateTimeField(allow_null=True)


class PipelineOutput(serializers.Serializer):
    stages = StageOutput(many=True)
    exited_today = serializers.IntegerField()
    expired_today = serializers.IntegerField(help_text="Issued yesterday, lapsed at midnight.")
    stuck = serializers.IntegerField(help_text="Loaded on an earlier day, never out.")


class ApprovalsOutput(serializers.Serializer):
    count = serializers.IntegerField()
    oldest_since = serializers.DateTimeField(allow_null=True)
    value = serializers.DecimalField(**MONEY)


class DayOutput(serializers.Serializer):
    day = serializers.DateField()
    sales = serializers.DecimalField(**MONEY)
    notes = serializers.IntegerField()
    ordered = serializers.DecimalField(**MONEY)


class TotalsOutput(serializers.Serializer):
    sales = serializers.DecimalField(**MONEY)
    notes = serializers.IntegerField()
    ordered = serializers.DecimalField(**MONEY)
    orders = serializers.IntegerField(required=False)


class DebtorOutput(serializers.Serializer):
    customer_id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    on_credit_hold = serializers.BooleanField()
    total = serializers.DecimalField(**MONEY)
    overdue = serializers.DecimalField(**MONEY)


class AgingOutput(serializers.Serializer):
    as_of = serializers.DateField()
    totals = serializers.DictField(child=serializers.DecimalField(**MONEY))
    top_debtors = DebtorOutput(many=True)
    customers = serializers.IntegerField()


class HoldOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    credit_hold_reason = serializers.CharField()
    credit_hold_since = serializers.DateTimeField(allow_null=True)


class BelowSafetyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    specification = serializers.CharField()
    available = serializers.DecimalField(source="available_total", **QTY)
    safety_stock = serializers.DecimalField(**QTY)


class DashboardOutput(serializers.Serializer):
    today = serializers.DateField()
    period = serializers.ChoiceField(choices=Period.choices)
    first = serializers.DateField()
    last = serializers.DateField()
    pipeline = PipelineOutput()
    approvals = ApprovalsOutput()
    sales_today = DayOutput()
    month = TotalsOutput()
    trend = DayOutput(many=True)
    totals = TotalsOutput(help_text="Over the chosen period.")
    top_products = RankedOutput(many=True)
    top_customers = RankedOutput(many=True)
    top_salespeople = RankedOutput(many=True)
    aging = AgingOutput()
    on_hold_count = serializers.IntegerField()
    on_hold = HoldOutput(many=True)
    below_safety_count = serializers.IntegerField()
    below_safety = BelowSafetyOutput(many=True)


class DashboardQuery(serializers.Serializer):
    period = serializers.ChoiceField(
        choices=Period.choices, default=Period.MONTH, help_text="The ranking's period."
    )


class DashboardApi(APIView):
    """The manager dashboard's figures."""

    required_perms = (PERM,)

    @extend_schema(
        summary="Manager dashboard",
        description=(
            "Today's pipeline, approvals waiting, sales today / this month / the last "
            "30 days, top products, customers and salespeople for the period, "
            "receivables aging and top debtors, customers on hold, products below "
            "safety stock. Sales are dispatched delivery notes by dispatch day, at "
            "their actual value."
        ),
        parameters=[DashboardQuery],
        responses={200: DashboardOutput, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        query = validated_input(DashboardQuery, request.query_params)
        data = dashboard_report.dashboard(period=query["period"])
        return Response(DashboardOutput(data).data)


class SalesInput(serializers.Serializer):
    date_from = serializers.DateField(required=False, help_text="Default: the month's first day.")
    date_to = serializers.DateField(required=False, help_text="Default: today.")
    group_by = serializers.ChoiceField(choices=GroupBy.choices, default=GroupBy.DAY)
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all(), required=False)
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all(), required=False)
    salesperson = serializers.CharField(
        required=False, help_text='A user id, or "none" for customers without one.'
    )

    def validate_salesperson(self, value: str):
        if value == "none":
            return value
        if parse_id(value) is None:
            raise serializers.ValidationError(_('Enter a user id or "none".'))
        return parse_id(value)

    def validate(self, data):
        data["date_to"] = data.get("date_to") or company_today()
        data["date_from"] = data.get("date_from") or data["date_to"].replace(day=1)
        if data["date_from"] > data["date_to"]:
            raise serializers.ValidationError(_("date_from comes after date_to."))
        if (data["date_to"] - data["date_from"]).days > MAX_DAYS:
            raise serializers.ValidationError(_("The period can last at most ten years."))
        return data


class SalesRowOutput(RankedOutput):
    id = serializers.CharField(source="key", allow_null=True, help_text="Day, month or id.")
    gross = serializers.DecimalField(**MONEY, help_text="What was loaded.")
    returns = serializers.DecimalField(**MONEY, help_text="Credit notes of returns.")
    allowances = serializers.DecimalField(**MONEY, help_text="Credit notes of allowances.")


class SalesTotalsOutput(serializers.Serializer):
    value = serializers.DecimalField(**MONEY, help_text="Net of returns and allowances.")
    gross = serializers.DecimalField(**MONEY, help_text="What was loaded.")
    returns = serializers.DecimalField(**MONEY, help_text="Credit notes of returns.")
    allowances = serializers.DecimalField(**MONEY, help_text="Credit notes of allowances.")
    notes = serializers.IntegerField()
    quantity = serializers.DecimalField(
        **QTY, help_text="Loaded less returned; meaningful for one product only."
    )


class SalesOutput(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    group_by = serializers.ChoiceField(choices=GroupBy.choices)
    totals = SalesTotalsOutput()
    rows = SalesRowOutput(many=True)
    truncated = serializers.BooleanField(help_text=f"More than {SALES_API_ROWS} rows.")


class SalesApi(APIView):
    """Sales (dispatched delivery notes) net of returns and allowances, grouped
    by day, month, product, customer or salesperson."""

    required_perms = (PERM,)

    @extend_schema(
        summary="Sales analysis",
        parameters=[SalesInput],
        responses={200: SalesOutput, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        params = SalesInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        query = sales_analysis.SalesQuery.from_filters(data)
        rows = list(sales_analysis.sales_rows(query)[: SALES_API_ROWS + 1])
        body = {
            "date_from": query.date_from,
            "date_to": query.date_to,
            "group_by": query.group_by,
            "totals": sales_analysis.sales_totals(query),
            "rows": [sales_analysis.sales_row(query, r) for r in rows[:SALES_API_ROWS]],
            "truncated": len(rows) > SALES_API_ROWS,
        }
        return Response(SalesOutput(body).data)


class ProductReconciliationOutput(serializers.Serializer):
    product_id = serializers.IntegerField()
    sku = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    noted = serializers.DecimalField(**QTY, help_text="Loaded on notes dispatched in the month.")
    moved = serializers.DecimalField(**QTY, help_text="Warehouse dispatch moves.")
    exited = serializers.DecimalField(**QTY, help_text="Out through the gate by month end.")
    at_gate = serializers.DecimalField(**QTY, help_text="Loaded today, not out yet.")
    returned = serializers.DecimalField(**QTY, help_text="Return moves of the month.")
    held = serializers.DecimalField(**QTY, help_text="Of them, into a held location.")
    balanced = serializers.BooleanField()


class MismatchOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MismatchKind.choices)
    label = serializers.CharField()
    product = serializers.CharField()
    note_id = serializers.IntegerField(allow_null=True)
    note_number = serializers.CharField()
    noted = serializers.DecimalField(**QTY, allow_null=True)
    moved = serializers.DecimalField(**QTY, allow_null=True)
    stock_moves = serializers.SerializerMethodField()
    gate_exit_at = serializers.DateTimeField(allow_null=True)
    vehicle_plate = serializers.CharField()
    at = serializers.DateTimeField(allow_null=True)

    def get_stock_moves(self, obj) -> list[int]:
        return [pk for pk, _qty in obj.moves]


class ReconciliationOutput(serializers.Serializer):
    month = serializers.DateField()
    first = serializers.DateField()
    last = serializers.DateField()
    products = ProductReconciliationOutput(many=True)
    mismatches = MismatchOutput(many=True)
    totals = serializers.DictField(child=serializers.IntegerField(), help_text="Per kind.")


class ReconciliationApi(APIView):
    """三方核对: notes vs. dispatch moves vs. gate exits for a month."""

    required_perms = (PERM,)

    @extend_schema(
        summary="Three-way reconciliation for a month",
        parameters=[OpenApiParameter("month", str, description="YYYY-MM; default this month.")],
        responses={200: ReconciliationOutput, **error_responses(401, 403)},
    )
    def get(self, request):
        month = parse_month(request.query_params.get("month"))
        return Response(ReconciliationOutput(reconciliation_report.reconciliation(month)).data)
