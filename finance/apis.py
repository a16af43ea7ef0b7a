"""The finance API: payments received (到款) and a customer's receivable account."""

from __future__ import annotations

from django.db.models import F, QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from customers.enums import CreditTerms
from customers.models import Customer
from finance.enums import EntryKind, PaymentMethod
from finance.models import ReceivableEntry
from finance.services import (
    credit_allowance,
    customer_balance,
    exposure,
    payment_record,
    pending_stamped_value,
)
from salesadmin.api import JSONInputParser, Pagination, StrictInput, error_responses

MONEY = {"max_digits": 14, "decimal_places": 2}
VIEW_LEDGER = "finance.view_receivableentry"
# The account shows the latest entries; a statement for a period is its own report.
ACCOUNT_ENTRIES = 100


def payments_visible(user) -> QuerySet[ReceivableEntry]:
    """Payments, with the amount as received (the ledger stores it negative)."""
    return (
        ReceivableEntry.objects.filter(kind=EntryKind.PAYMENT)
        .select_related("customer", "created_by")
        .annotate(received=-F("amount"))
        .order_by("-entry_date", "-id")
    )


class PaymentCustomerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class PaymentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    customer = PaymentCustomerOutput()
    amount = serializers.DecimalField(source="received", **MONEY)
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    reference = serializers.CharField()
    date = serializers.DateField(source="entry_date")
    note = serializers.CharField()
    recorded_by = serializers.CharField(source="created_by.username", allow_null=True)
    recorded_at = serializers.DateTimeField(source="created_at")


class PaymentFilter(filters.FilterSet):
    customer = filters.ModelChoiceFilter(queryset=Customer.objects.all())
    date_from = filters.DateFilter(field_name="entry_date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="entry_date", lookup_expr="lte")
    reference = filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = ReceivableEntry
        fields = ["customer", "date_from", "date_to", "reference"]


class PaymentInput(StrictInput):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    amount = serializers.DecimalField(**MONEY, help_text="Received, positive.")
    method = serializers.ChoiceField(
        choices=PaymentMethod.choices, default=PaymentMethod.BANK_TRANSFER
    )
    reference = serializers.CharField(
        max_length=60, allow_blank=True, default="", help_text="Bank reference; unique."
    )
    date = serializers.DateField(required=False, allow_null=True, help_text="Default: today.")
    note = serializers.CharField(max_length=300, allow_blank=True, default="")


class PaymentListCreateApi(generics.ListAPIView):
    """Payments received, newest first; record one (unallocated money is prepayment)."""

    pagination_class = Pagination
    parser_classes = [JSONInputParser]
    serializer_class = PaymentOutput
    filterset_class = PaymentFilter

    def get_serializer_class(self):
        # The browsable API's form and OPTIONS describe what POST takes.
        return PaymentInput if self.request.method == "POST" else PaymentOutput

    @property
    def required_perms(self):
        if self.request.method == "POST":
            return (VIEW_LEDGER, "finance.record_payment")
        return (VIEW_LEDGER,)

    def get_queryset(self):
        return payments_visible(self.request.user)

    @extend_schema(
        summary="List payments received",
        responses={200: PaymentOutput(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Record a payment (到款)",
        description="A reference already booked is refused with 400 `duplicate_reference`.",
        request=PaymentInput,
        responses={201: PaymentOutput, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        serializer = PaymentInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        entry = payment_record(
            customer=data["customer"],
            amount=data["amount"],
            user=request.user,
            method=data["method"],
            reference=data["reference"],
            entry_date=data.get("date"),
            note=data["note"],
        )
        payment = payments_visible(request.user).get(pk=entry.pk)
        return Response(PaymentOutput(payment).data, status=status.HTTP_201_CREATED)


class AccountCustomerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    credit_terms = serializers.ChoiceField(choices=CreditTerms.choices)
    credit_limit = serializers.DecimalField(**MONEY)
    on_credit_hold = serializers.BooleanField()
    credit_hold_reason = serializers.CharField()


class LedgerEntryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    amount = serializers.DecimalField(
        **MONEY, help_text="Signed: charges positive, payments and credit notes negative."
    )
    date = serializers.DateField(source="entry_date")
    method = serializers.ChoiceField(choices=PaymentMethod.choices, allow_blank=True)
    reference = serializers.CharField()
    delivery_note = serializers.CharField(
        source="delivery_note.number", allow_null=True, help_text="The note charged, if any."
    )
    note = serializers.CharField()


class AccountOutput(serializers.Serializer):
    customer = AccountCustomerOutput()
    balance = serializers.DecimalField(
        **MONEY, help_text="Above zero the customer owes; below zero they prepaid."
    )
    credit_allowance = serializers.DecimalField(
        **MONEY, help_text="How far the customer may owe (0 for prepaid customers)."
    )
    pending_stamped = serializers.DecimalField(
        **MONEY, help_text="Stamped notes not yet dispatched (promised, not yet charged)."
    )
    exposure = serializers.DecimalField(**MONEY, help_text="Balance plus pending stamped.")
    entries = LedgerEntryOutput(
        many=True, help_text=f"The latest {ACCOUNT_ENTRIES} ledger entries, newest first."
    )


class CustomerAccountApi(generics.GenericAPIView):
    """A customer's receivable account (应收账款): what they owe and may still owe."""

    required_perms = ("customers.view_customer", VIEW_LEDGER)

    def get_queryset(self):
        return Customer.objects.all()

    @extend_schema(
        summary="A customer's receivable account",
        responses={200: AccountOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        customer = self.get_object()
        entries = (
            ReceivableEntry.objects.filter(customer=customer)
            .select_related("delivery_note")
            .order_by("-entry_date", "-id")[:ACCOUNT_ENTRIES]
        )
        data = {
            "customer": customer,
            "balance": customer_balance(customer=customer),
            "credit_allowance": credit_allowance(customer=customer),
            "pending_stamped": pending_stamped_value(customer=customer),
            "exposure": exposure(customer=customer),
            "entries": entries,
        }
        return Response(AccountOutput(data).data)
