"""Payments received (到款) and how they settle invoices."""

from django.db.models import F, Prefetch, QuerySet
from django_filters import rest_framework as filters
from rest_framework import serializers, status
from rest_framework.response import Response

from customers.models import Customer
from finance.allocation import HandAllocation
from finance.enums import EntryKind, PaymentMethod
from finance.models import Invoice, PaymentAllocation, ReceivableEntry
from finance.services import payment_record
from salesadmin.api import (
    StrictInput,
)
from salesadmin.api_views import DocumentListCreateApi, list_create_endpoint

MONEY = {"max_digits": 14, "decimal_places": 2}
VIEW_LEDGER = "finance.view_receivableentry"


def payments_visible(user) -> QuerySet[ReceivableEntry]:
    """Payments, with the amount as received (the ledger stores it negative) and
    where the money went (one prefetch per page)."""
    allocations = PaymentAllocation.objects.select_related("invoice").order_by("id")
    return (
        ReceivableEntry.objects.filter(kind=EntryKind.PAYMENT)
        .select_related("customer", "created_by")
        .prefetch_related(Prefetch("allocations", queryset=allocations))
        .annotate(received=-F("amount"))
        .order_by("-entry_date", "-id")
    )


class PaymentAllocationOutput(serializers.Serializer):
    invoice = serializers.IntegerField(source="invoice_id")
    invoice_number = serializers.CharField(source="invoice.number")
    amount = serializers.DecimalField(
        **MONEY, help_text="Signed: a reversal (invoice voided) is negative."
    )
    at = serializers.DateTimeField(source="created_at")


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
    payer = serializers.CharField()
    date = serializers.DateField(source="entry_date")
    note = serializers.CharField()
    recorded_by = serializers.CharField(source="created_by.username", allow_null=True)
    recorded_at = serializers.DateTimeField(source="created_at")
    allocations = PaymentAllocationOutput(many=True, help_text="The invoices this payment settles.")


class PaymentFilter(filters.FilterSet):
    customer = filters.ModelChoiceFilter(queryset=Customer.objects.all())
    date_from = filters.DateFilter(field_name="entry_date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="entry_date", lookup_expr="lte")
    reference = filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = ReceivableEntry
        fields = ["customer", "date_from", "date_to", "reference"]


class PaymentAllocationInput(StrictInput):
    invoice = serializers.PrimaryKeyRelatedField(queryset=Invoice.objects.all())
    amount = serializers.DecimalField(
        **MONEY, help_text="Positive; at most the invoice's open amount."
    )


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
    payer = serializers.CharField(
        max_length=200,
        allow_blank=True,
        default="",
        help_text="Who paid, as on the bank statement.",
    )
    allocations = PaymentAllocationInput(
        many=True,
        required=False,
        allow_null=True,
        help_text=(
            "Omitted or null: the money settles the open invoices, oldest due first. "
            "A list: exactly these invoices and amounts ([] keeps it all as prepayment). "
            "What is not allocated is prepayment."
        ),
    )


def _hand_allocations(given) -> list[HandAllocation] | None:
    if given is None:
        return None
    return [HandAllocation(invoice=a["invoice"], amount=a["amount"]) for a in given]


@list_create_endpoint(
    lists="List payments received",
    output=PaymentOutput,
    creates="Record a payment (到款)",
    description=(
        "A reference already booked is refused with 400 `duplicate_reference`; "
        "allocating more than an invoice's open amount or than the payment with "
        "400 `over_allocation`; a paid or void invoice with 409 `invoice_not_open`."
    ),
    create_input=PaymentInput,
    answer=PaymentOutput,
)
class PaymentListCreateApi(DocumentListCreateApi):
    """Payments received, newest first; record one (unallocated money is prepayment)."""

    view_perm, add_perm = VIEW_LEDGER, "finance.record_payment"
    filterset_class = PaymentFilter

    def visible(self, user):
        return payments_visible(user)

    def create(self, user, data):
        return payment_record(
            customer=data["customer"],
            amount=data["amount"],
            user=user,
            method=data["method"],
            reference=data["reference"],
            entry_date=data.get("date"),
            note=data["note"],
            payer=data["payer"],
            allocations=_hand_allocations(data.get("allocations")),
        )

    def created(self, request, entry):
        payment = payments_visible(request.user).get(pk=entry.pk)
        return Response(PaymentOutput(payment).data, status=status.HTTP_201_CREATED)
