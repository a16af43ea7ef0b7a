"""Invoices: list, detail, the invoicing run, official numbers and voids."""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from customers.models import Customer
from finance import invoicing, selectors
from finance.apis.payments import MONEY, PaymentCustomerOutput
from finance.enums import InvoiceStatus
from finance.invoice_printing import invoice_filename, invoice_for_print, render_invoice
from finance.models import Invoice
from salesadmin.api import (
    JSONInputParser,
    NamedChoiceField,
    StrictInput,
    error_responses,
    validated_input,
)
from salesadmin.api_filters import BooleanFilter
from salesadmin.api_views import list_endpoint
from salesadmin.clock import company_today
from salesadmin.pdf import pdf_response


def _status_field():
    return NamedChoiceField(
        enum_name="InvoiceStatusEnum", choices=InvoiceStatus.choices, read_only=True
    )


class InvoiceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    official_number = serializers.CharField(help_text="发票号, recorded by finance.")
    customer = PaymentCustomerOutput()
    status = _status_field()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    issue_date = serializers.DateField()
    due_date = serializers.DateField()
    amount = serializers.DecimalField(**MONEY)
    paid_amount = serializers.DecimalField(**MONEY)
    open_amount = serializers.DecimalField(**MONEY)
    overdue = serializers.SerializerMethodField()

    def get_overdue(self, invoice) -> bool:
        return invoice.status == InvoiceStatus.OPEN and invoice.due_date < self.context["today"]


class InvoiceItemOutput(serializers.Serializer):
    delivery_note = serializers.IntegerField(source="delivery_note_id")
    delivery_note_number = serializers.CharField(source="delivery_note.number")
    amount = serializers.DecimalField(**MONEY)
    active = serializers.BooleanField(help_text="False once the invoice was voided.")


class InvoiceAllocationOutput(serializers.Serializer):
    payment = serializers.IntegerField(source="payment_id")
    reference = serializers.CharField(source="payment.reference")
    received_on = serializers.DateField(source="payment.entry_date")
    amount = serializers.DecimalField(**MONEY, help_text="Signed: reversals are negative.")
    at = serializers.DateTimeField(source="created_at")


class InvoiceDetailOutput(InvoiceOutput):
    void_reason = serializers.CharField()
    voided_by = serializers.CharField(source="voided_by.username", allow_null=True)
    voided_at = serializers.DateTimeField(allow_null=True)
    items = InvoiceItemOutput(many=True)
    allocations = InvoiceAllocationOutput(many=True)


def today_context() -> dict:
    return {"today": company_today()}


class InvoiceFilter(filters.FilterSet):
    customer = filters.ModelChoiceFilter(queryset=Customer.objects.all())
    status = filters.ChoiceFilter(choices=InvoiceStatus.choices)
    overdue = BooleanFilter(method="filter_overdue", help_text="Open and past due.")
    due_from = filters.DateFilter(field_name="due_date", lookup_expr="gte")
    due_to = filters.DateFilter(field_name="due_date", lookup_expr="lte")
    q = filters.CharFilter(method="filter_q", help_text="Number, official number or customer.")
    delivery_note = filters.NumberFilter(
        method="filter_delivery_note", help_text="The invoice that bills this delivery note now."
    )

    class Meta:
        model = Invoice
        fields = ["customer", "status", "overdue", "due_from", "due_to", "q", "delivery_note"]

    def filter_delivery_note(self, queryset, name, value):
        return queryset.filter(items__delivery_note_id=value, items__active=True)

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status=InvoiceStatus.OPEN, due_date__lt=company_today())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(official_number__icontains=value)
            | Q(customer__name__icontains=value)
            | Q(customer__code__icontains=value)
        )


VIEW_INVOICES = "finance.view_invoice"


@list_endpoint(lists="List invoices", output=InvoiceOutput)
class InvoiceListApi(generics.ListAPIView):
    """Invoices, newest first."""

    filterset_class = InvoiceFilter
    required_perms = (VIEW_INVOICES,)

    def get_queryset(self):
        return selectors.invoice_list()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), **today_context()}


class InvoiceDetailApi(generics.GenericAPIView):
    """One invoice with its delivery notes and the payments allocated to it."""

    required_perms = (VIEW_INVOICES,)

    @extend_schema(
        summary="An invoice",
        responses={200: InvoiceDetailOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        invoice = selectors.invoice_detail(pk=pk)
        return Response(InvoiceDetailOutput(invoice, context=today_context()).data)


class InvoicePdfApi(generics.GenericAPIView):
    """The printed invoice (Chinese and English): its notes line by line as loaded."""

    required_perms = (VIEW_INVOICES,)

    @extend_schema(
        summary="An invoice as PDF",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            **error_responses(401, 403, 404),
        },
    )
    def get(self, request, pk: int):
        try:
            invoice = invoice_for_print(pk)
        except Invoice.DoesNotExist:
            raise NotFound() from None
        return pdf_response(render_invoice(invoice), invoice_filename(invoice))


def _invoice_answer(invoice: Invoice, status_code=status.HTTP_200_OK) -> Response:
    invoice = selectors.invoice_detail(pk=invoice.pk)
    return Response(InvoiceDetailOutput(invoice, context=today_context()).data, status=status_code)


class InvoiceRunOutput(serializers.Serializer):
    count = serializers.IntegerField()
    invoices = InvoiceOutput(many=True)


class InvoiceRunApi(generics.GenericAPIView):
    """Run the invoicing job now (it also runs every night)."""

    parser_classes = [JSONInputParser]
    required_perms = (VIEW_INVOICES, "finance.issue_invoice")

    @extend_schema(
        summary="Issue the invoices due now",
        description=(
            "Monthly customers for last month, quarterly customers for last quarter, "
            "prepaid notes not yet invoiced. Idempotent: a note is never invoiced twice."
        ),
        request=None,
        responses={200: InvoiceRunOutput, **error_responses(401, 403)},
    )
    def post(self, request):
        invoices = invoicing.invoices_issue_due_by(user=request.user)
        data = {"count": len(invoices), "invoices": invoices}
        return Response(InvoiceRunOutput(data, context=today_context()).data)


class OfficialNumberInput(StrictInput):
    official_number = serializers.CharField(max_length=40, help_text="发票号")


class InvoiceOfficialNumberApi(generics.GenericAPIView):
    parser_classes = [JSONInputParser]
    required_perms = (VIEW_INVOICES, "finance.issue_invoice")

    @extend_schema(
        summary="Record the official invoice number (发票号)",
        request=OfficialNumberInput,
        responses={200: InvoiceDetailOutput, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        invoice = get_object_or_404(Invoice, pk=pk)
        data = validated_input(OfficialNumberInput, request.data)
        invoicing.invoice_set_official_number(
            invoice=invoice, user=request.user, official_number=data["official_number"]
        )
        return _invoice_answer(invoice)


class InvoiceVoidInput(StrictInput):
    reason = serializers.CharField(max_length=300)


class InvoiceVoidApi(generics.GenericAPIView):
    parser_classes = [JSONInputParser]
    required_perms = (VIEW_INVOICES, "finance.void_invoice")

    @extend_schema(
        summary="Void an invoice",
        description=(
            "Its allocations are reversed (the money becomes prepayment and settles the "
            "other open invoices) and its delivery notes can be invoiced again. "
            "A void invoice: 409 `invoice_void`."
        ),
        request=InvoiceVoidInput,
        responses={200: InvoiceDetailOutput, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        invoice = get_object_or_404(Invoice, pk=pk)
        data = validated_input(InvoiceVoidInput, request.data)
        invoicing.invoice_void(invoice=invoice, user=request.user, reason=data["reason"])
        return _invoice_answer(invoice)
