"""The API of chasing money: receivables aging with drill-down, the reminders
sent, month-end statements and a statement for any customer and period (JSON
or PDF). Same selectors and permissions as the pages."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from customers.models import Customer
from finance import aging, statements
from finance.enums import EntryKind, ReminderStatus, StatementStatus
from finance.models import Reminder, Statement
from orders.apis.common import CustomerRefOutput
from salesadmin.api import error_responses
from salesadmin.api_filters import WholeNumberFilter
from salesadmin.api_views import list_endpoint
from salesadmin.pdf import pdf_response

MONEY = {"max_digits": 16, "decimal_places": 2}
VIEW_AGING = "finance.view_invoice"

AS_OF = OpenApiParameter(
    "as_of", OpenApiTypes.DATE, description="The date the invoices age to (default: today)."
)
PERIOD = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day (default: last month's)."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (default: last month's)."),
]


def _date_param(request, name: str, default: dt.date) -> dt.date:
    raw = request.query_params.get(name, "")
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationError({name: [_("Enter a date as YYYY-MM-DD.")]}) from exc


# --- Aging -----------------------------------------------------------------------------


class BucketsOutput(serializers.Serializer):
    current = serializers.DecimalField(**MONEY, help_text="Not yet due (due today included).")
    days_1_30 = serializers.DecimalField(**MONEY)
    days_31_60 = serializers.DecimalField(**MONEY)
    days_61_90 = serializers.DecimalField(**MONEY)
    over_90 = serializers.DecimalField(**MONEY)


class AgingRowOutput(serializers.Serializer):
    customer = CustomerRefOutput()
    on_credit_hold = serializers.BooleanField()
    buckets = BucketsOutput()
    total = serializers.DecimalField(**MONEY)
    invoices = serializers.IntegerField(help_text="Open invoices counted.")


class AgingTotalsOutput(serializers.Serializer):
    buckets = BucketsOutput()
    total = serializers.DecimalField(**MONEY)
    invoices = serializers.IntegerField()
    customers = serializers.IntegerField()


class AgingReportOutput(serializers.Serializer):
    as_of = serializers.DateField()
    totals = AgingTotalsOutput()
    rows = AgingRowOutput(many=True, help_text="One per customer owing, largest total first.")


def _row_data(row: aging.AgingRow) -> dict:
    return {
        "customer": {"id": row.customer_id, "code": row.code, "name": row.name},
        "on_credit_hold": row.on_credit_hold,
        "buckets": row.buckets,
        "total": row.total,
        "invoices": row.invoices,
    }


class AgingApi(generics.GenericAPIView):
    """Receivables aging (账龄): open amount of open invoices per customer and bucket."""

    required_perms = (VIEW_AGING,)
    serializer_class = AgingReportOutput

    @extend_schema(
        summary="Receivables aging",
        parameters=[AS_OF],
        responses={200: AgingReportOutput, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        report = aging.aging_report(_date_param(request, "as_of", aging.company_today()))
        data = {
            "as_of": report.as_of,
            "totals": {
                "buckets": report.totals.buckets,
                "total": report.totals.total,
                "invoices": report.totals.invoices,
                "customers": len(report.rows),
            },
            "rows": [_row_data(r) for r in report.rows],
        }
        return Response(AgingReportOutput(data).data)


class AgingInvoiceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    official_number = serializers.CharField()
    issue_date = serializers.DateField()
    due_date = serializers.DateField()
    days_overdue = serializers.IntegerField()
    bucket = serializers.ChoiceField(choices=aging.BUCKET_KEYS)
    amount = serializers.DecimalField(**MONEY)
    paid_amount = serializers.DecimalField(**MONEY)
    open = serializers.DecimalField(**MONEY)


class AgingCustomerOutput(serializers.Serializer):
    as_of = serializers.DateField()
    customer = CustomerRefOutput()
    bucket = serializers.CharField(allow_blank=True)
    invoices = AgingInvoiceOutput(many=True)


class AgingCustomerApi(generics.GenericAPIView):
    """Drill-down: a customer's open invoices, all or in one bucket, oldest due first."""

    required_perms = (VIEW_AGING,)
    serializer_class = AgingCustomerOutput

    def get_queryset(self):
        return Customer.objects.all()

    @extend_schema(
        summary="A customer's open invoices by age",
        parameters=[
            AS_OF,
            OpenApiParameter("bucket", OpenApiTypes.STR, enum=aging.BUCKET_KEYS),
        ],
        responses={200: AgingCustomerOutput, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request, pk: int):
        customer = self.get_object()
        as_of = _date_param(request, "as_of", aging.company_today())
        bucket = request.query_params.get("bucket", "")
        if bucket and bucket not in aging.BUCKET_KEYS:
            raise ValidationError({"bucket": [_("Unknown aging bucket.")]})
        invoices = list(
            aging.aging_invoices(customer_id=customer.pk, bucket=bucket or None, as_of=as_of)
        )
        for invoice in invoices:
            invoice.days_overdue = aging.days_overdue(invoice, as_of)
            invoice.bucket = aging.bucket_of(invoice.days_overdue)
        data = {"as_of": as_of, "customer": customer, "bucket": bucket, "invoices": invoices}
        return Response(AgingCustomerOutput(data).data)


# --- Reminders -------------------------------------------------------------------------


class ReminderOutput(serializers.Serializer):
    id = serializers.IntegerField()
    customer = CustomerRefOutput()
    invoice = serializers.CharField(source="invoice.number")
    level = serializers.IntegerField()
    days_overdue = serializers.IntegerField()
    open_amount = serializers.DecimalField(**MONEY)
    status = serializers.ChoiceField(choices=ReminderStatus.choices)
    email = serializers.CharField(help_text="Where it was e-mailed; empty: no contact e-mail.")
    attempts = serializers.IntegerField()
    last_error = serializers.CharField()
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)


class ReminderFilter(filters.FilterSet):
    customer = WholeNumberFilter(field_name="customer_id")
    status = filters.ChoiceFilter(choices=ReminderStatus.choices)
    level = WholeNumberFilter()

    class Meta:
        model = Reminder
        fields = ["customer", "status", "level"]


@list_endpoint(lists="Overdue reminders", output=ReminderOutput, errors=())
class ReminderListApi(generics.ListAPIView):
    """Overdue reminders, newest first."""

    required_perms = ("finance.view_reminder",)
    filterset_class = ReminderFilter

    def get_queryset(self):
        return Reminder.objects.select_related("customer", "invoice").order_by("-created_at", "-id")


# --- Statements ------------------------------------------------------------------------


class StatementOutput(serializers.Serializer):
    id = serializers.IntegerField()
    customer = CustomerRefOutput()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    opening_balance = serializers.DecimalField(**MONEY)
    closing_balance = serializers.DecimalField(**MONEY)
    status = serializers.ChoiceField(choices=StatementStatus.choices)
    email = serializers.CharField()
    sent_at = serializers.DateTimeField(allow_null=True)


class StatementFilter(filters.FilterSet):
    customer = WholeNumberFilter(field_name="customer_id")
    status = filters.ChoiceFilter(choices=StatementStatus.choices)
    period_start = filters.DateFilter()

    class Meta:
        model = Statement
        fields = ["customer", "status", "period_start"]


@list_endpoint(lists="Month-end statements", output=StatementOutput, errors=())
class StatementListApi(generics.ListAPIView):
    """Month-end statements (对账单) owed and sent, newest period first."""

    required_perms = ("finance.view_statement",)
    filterset_class = StatementFilter

    def get_queryset(self):
        return Statement.objects.select_related("customer").order_by("-period_end", "customer_id")


class MovementOutput(serializers.Serializer):
    date = serializers.DateField(source="entry.entry_date")
    kind = serializers.ChoiceField(source="entry.kind", choices=EntryKind.choices)
    document = serializers.CharField(help_text="Note number, bank reference or note.")
    amount = serializers.DecimalField(source="entry.amount", **MONEY, help_text="Signed.")
    balance = serializers.DecimalField(**MONEY, help_text="Balance after this movement.")


class CustomerStatementOutput(serializers.Serializer):
    customer = CustomerRefOutput()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    opening = serializers.DecimalField(**MONEY)
    charges = serializers.DecimalField(**MONEY)
    payments = serializers.DecimalField(**MONEY)
    credit_notes = serializers.DecimalField(**MONEY)
    closing = serializers.DecimalField(**MONEY)
    movements = MovementOutput(many=True)


class _CustomerPeriodMixin:
    required_perms = ("finance.view_statement",)

    def get_queryset(self):
        return Customer.objects.all()

    def statement_data(self, request) -> statements.StatementData:
        customer = self.get_object()
        default_start, default_end = statements.last_month()
        start = _date_param(request, "from", default_start)
        end = _date_param(request, "to", default_end)
        return statements.statement_for(customer=customer, period_start=start, period_end=end)


class CustomerStatementApi(_CustomerPeriodMixin, generics.GenericAPIView):
    """A customer's statement for any period: opening, movements, closing."""

    serializer_class = CustomerStatementOutput

    @extend_schema(
        summary="A customer's statement (对账单)",
        parameters=PERIOD,
        responses={200: CustomerStatementOutput, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request, pk: int):
        return Response(CustomerStatementOutput(self.statement_data(request)).data)


class CustomerStatementPdfApi(_CustomerPeriodMixin, generics.GenericAPIView):
    """The same statement as a PDF."""

    @extend_schema(
        summary="A customer's statement as PDF",
        parameters=PERIOD,
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            **error_responses(400, 401, 403, 404),
        },
    )
    def get(self, request, pk: int):
        data = self.statement_data(request)
        return pdf_response(statements.render_statement(data), statements.statement_filename(data))
