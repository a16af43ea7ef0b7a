"""The credit notes API: list, one credit note with where its money went, its
PDF, and a refund out of what is left; a refund out of a payment's rest."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from customers.models import Customer
from finance.credit_notes import (
    credit_note_filename,
    money_left,
    refund_record,
    render_credit_note,
)
from finance.enums import CreditNoteSource, EntryKind
from finance.models import CreditNote, ReceivableEntry
from salesadmin.api import (
    JSONInputParser,
    NamedChoiceField,
    StrictInput,
    error_responses,
)
from salesadmin.api_views import DocumentActionApi, list_endpoint
from salesadmin.pdf import pdf_response

VIEW = "finance.view_creditnote"
MONEY = {"max_digits": 14, "decimal_places": 2}


def credit_notes_visible(user) -> QuerySet[CreditNote]:
    return CreditNote.objects.select_related("customer", "delivery_note", "invoice", "entry")


def _money_left_text(entry) -> str:
    """What a payment or credit note still has (neither allocated nor paid back),
    as the API writes money."""
    return serializers.DecimalField(**MONEY).to_representation(money_left(entry))


class CreditNoteFilter(filters.FilterSet):
    customer = filters.ModelChoiceFilter(queryset=Customer.objects.all())
    source = filters.ChoiceFilter(choices=CreditNoteSource.choices)

    class Meta:
        model = CreditNote
        fields = ["customer", "source"]


class CreditNoteCustomerRef(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class CreditNoteListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    customer = CreditNoteCustomerRef()
    source = NamedChoiceField(enum_name="CreditNoteSourceEnum", choices=CreditNoteSource.choices)
    source_number = serializers.CharField()
    issue_date = serializers.DateField()
    amount = serializers.DecimalField(**MONEY)
    delivery_note = serializers.CharField(source="delivery_note.number", allow_null=True)
    invoice = serializers.CharField(source="invoice.number", allow_null=True)


class CreditNoteLineOutput(serializers.Serializer):
    description = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3, allow_null=True)
    unit_price = serializers.DecimalField(**MONEY, allow_null=True)
    amount = serializers.DecimalField(**MONEY)


class CreditNoteAllocationOutput(serializers.Serializer):
    invoice = serializers.CharField(source="invoice.number")
    amount = serializers.DecimalField(**MONEY)


class CreditNoteRefundOutput(serializers.Serializer):
    id = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY)
    reference = serializers.CharField()
    refund_date = serializers.DateField()


class CreditNoteDetailOutput(CreditNoteListOutput):
    reason = serializers.CharField()
    customer_reference = serializers.CharField()
    lines = CreditNoteLineOutput(many=True)
    allocations = CreditNoteAllocationOutput(many=True, source="entry.allocations")
    refunds = CreditNoteRefundOutput(many=True, source="entry.refunds")
    left = serializers.SerializerMethodField(
        help_text="Not allocated to invoices nor refunded: the customer's prepayment."
    )

    @extend_schema_field(serializers.DecimalField(**MONEY))
    def get_left(self, credit_note) -> str:
        return _money_left_text(credit_note.entry)


@list_endpoint(lists="List credit notes", output=CreditNoteListOutput)
class CreditNoteListApi(generics.ListAPIView):
    """Credit notes (贷项通知单), newest first."""

    required_perms = (VIEW,)
    filterset_class = CreditNoteFilter

    def get_queryset(self):
        return credit_notes_visible(self.request.user)


def _detail(request, pk: int, status_code=status.HTTP_200_OK) -> Response:
    credit_note = (
        credit_notes_visible(request.user)
        .prefetch_related("lines", "entry__allocations__invoice", "entry__refunds")
        .get(pk=pk)
    )
    return Response(CreditNoteDetailOutput(credit_note).data, status=status_code)


class CreditNoteDetailApi(generics.GenericAPIView):
    """One credit note: its lines, the invoices it settled, refunds, what is left."""

    required_perms = (VIEW,)
    serializer_class = CreditNoteDetailOutput

    def get_queryset(self):
        return credit_notes_visible(self.request.user)

    @extend_schema(
        summary="A credit note",
        responses={200: CreditNoteDetailOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        return _detail(request, pk)


class CreditNotePdfApi(generics.GenericAPIView):
    """The printed credit note (Chinese and English)."""

    required_perms = (VIEW,)

    def get_queryset(self):
        return credit_notes_visible(self.request.user)

    @extend_schema(
        summary="A credit note as PDF",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            **error_responses(401, 403, 404),
        },
    )
    def get(self, request, pk: int):
        credit_note = self.get_object()
        return pdf_response(render_credit_note(credit_note), credit_note_filename(credit_note))


class RefundInput(StrictInput):
    amount = serializers.DecimalField(**MONEY)
    reference = serializers.CharField(max_length=60, allow_blank=True, help_text="Bank reference.")
    refund_date = serializers.DateField(required=False)


class _RefundApi(DocumentActionApi):
    # Money paid back out of what ``source()`` (a ledger entry) has left, after
    # the body is judged; the refund is then answered by ``answer``.
    parser_classes = [JSONInputParser]
    serializer_class = RefundInput

    def run(self, user, data):
        return refund_record(
            source=self.source(),
            amount=data["amount"],
            reference=data["reference"],
            refund_date=data.get("refund_date"),
            user=user,
        )


@extend_schema_view(
    post=extend_schema(
        summary="Refund (退款) from a credit note",
        description="At most what is left (400 `over_refund`); the bank reference is required "
        "and unique.",
        request=RefundInput,
        responses={201: CreditNoteDetailOutput, **error_responses(400, 401, 403, 404)},
    )
)
class CreditNoteRefundApi(_RefundApi):
    """Pay money back out of what the credit note left as prepayment."""

    required_perms = (VIEW, "finance.record_refund")

    def get_queryset(self):
        return CreditNote.objects.select_related("entry")

    def source(self):
        self.credit_note = self.get_object()
        return self.credit_note.entry

    def answer(self, request, refund):
        return _detail(request, self.credit_note.pk, status.HTTP_201_CREATED)


class PaymentRefundOutput(serializers.Serializer):
    id = serializers.IntegerField()
    payment = serializers.IntegerField(source="source_id")
    customer = serializers.IntegerField(source="customer_id")
    amount = serializers.DecimalField(**MONEY)
    reference = serializers.CharField()
    refund_date = serializers.DateField()
    left = serializers.SerializerMethodField(
        help_text="What the payment still has, neither allocated nor paid back."
    )

    @extend_schema_field(serializers.DecimalField(**MONEY))
    def get_left(self, refund) -> str:
        return _money_left_text(refund.source)


@extend_schema_view(
    post=extend_schema(
        summary="Refund (退款) from a payment",
        description="At most what the payment has left (400 `over_refund`); the bank "
        "reference is required and unique.",
        request=RefundInput,
        responses={201: PaymentRefundOutput, **error_responses(400, 401, 403, 404)},
    )
)
class PaymentRefundApi(_RefundApi):
    """Pay money back out of a payment's prepayment (what no invoice took)."""

    required_perms = ("finance.view_receivableentry", "finance.record_refund")

    def get_queryset(self):
        return ReceivableEntry.objects.filter(kind=EntryKind.PAYMENT)

    def source(self):
        return self.get_object()

    def answer(self, request, refund):
        return Response(PaymentRefundOutput(refund).data, status=status.HTTP_201_CREATED)
