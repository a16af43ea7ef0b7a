"""A customer's receivable account and ledger, and credit holds."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from customers.enums import CreditTerms
from customers.models import Customer
from customers.services import customer_set_credit_hold
from finance import selectors
from finance.apis.invoices import InvoiceOutput, today_context
from finance.apis.payments import MONEY, VIEW_LEDGER, PaymentAllocationOutput
from finance.enums import EntryKind, PaymentMethod
from finance.models import ReceivableEntry
from salesadmin.api import (
    JSONInputParser,
    NamedChoiceField,
    StrictInput,
    error_responses,
)
from salesadmin.api_views import list_endpoint

# The account shows the latest entries; a statement for a period is its own report.
ACCOUNT_ENTRIES = 100


class AccountCustomerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    credit_terms = serializers.ChoiceField(choices=CreditTerms.choices)
    credit_limit = serializers.DecimalField(**MONEY)
    on_credit_hold = serializers.BooleanField()
    credit_hold_reason = serializers.CharField()
    credit_hold_auto = serializers.BooleanField(
        help_text="True: set by the daily overdue check, lifted by it when paid."
    )
    credit_hold_since = serializers.DateTimeField(allow_null=True)
    credit_hold_waived_through = serializers.DateField(
        allow_null=True,
        help_text="A manager released the hold: invoices due up to this date no longer hold.",
    )


class LedgerEntryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = NamedChoiceField(enum_name="LedgerEntryKindEnum", choices=EntryKind.choices)
    amount = serializers.DecimalField(
        **MONEY, help_text="Signed: charges positive, payments and credit notes negative."
    )
    running_balance = serializers.DecimalField(
        **MONEY, help_text="The customer's balance after this entry."
    )
    date = serializers.DateField(source="entry_date")
    method = serializers.ChoiceField(choices=PaymentMethod.choices, allow_blank=True)
    reference = serializers.CharField()
    payer = serializers.CharField()
    delivery_note = serializers.CharField(
        source="delivery_note.number", allow_null=True, help_text="The note charged, if any."
    )
    delivery_note_id = serializers.IntegerField(allow_null=True)
    note = serializers.CharField()
    allocations = PaymentAllocationOutput(
        many=True, help_text="For payments and credit notes: the invoices they settle."
    )


class AccountOutput(serializers.Serializer):
    customer = AccountCustomerOutput()
    balance = serializers.DecimalField(
        **MONEY, help_text="Above zero the customer owes; below zero they prepaid."
    )
    credit_allowance = serializers.DecimalField(
        **MONEY, help_text="How far the customer may owe (0 for prepaid customers)."
    )
    open_invoices_total = serializers.DecimalField(**MONEY, help_text="Open amounts of invoices.")
    overdue = serializers.DecimalField(**MONEY, help_text="Of which past their due date.")
    uninvoiced = serializers.DecimalField(**MONEY, help_text="Dispatched, not yet invoiced.")
    pending_stamped = serializers.DecimalField(
        **MONEY, help_text="Stamped notes not yet dispatched (promised, not yet charged)."
    )
    prepayment = serializers.DecimalField(
        **MONEY, help_text="Money received and not allocated to an invoice."
    )
    outstanding = serializers.DecimalField(
        **MONEY, help_text="Open invoices + dispatched not invoiced + stamped."
    )
    exposure = serializers.DecimalField(
        **MONEY, help_text="Outstanding less prepayment: what the credit limit is checked on."
    )
    headroom = serializers.DecimalField(**MONEY, help_text="What may still be stamped.")
    open_invoices = InvoiceOutput(many=True, help_text="Open invoices, oldest due first.")
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
        summary = selectors.account_summary(customer=customer)
        data = {
            "customer": customer,
            "balance": summary.balance,
            "credit_allowance": summary.allowance,
            "open_invoices_total": summary.open_invoices,
            "overdue": summary.overdue,
            "uninvoiced": summary.uninvoiced,
            "pending_stamped": summary.pending,
            "prepayment": summary.prepayment,
            "outstanding": summary.outstanding,
            "exposure": summary.exposure,
            "headroom": summary.headroom,
            "open_invoices": selectors.open_invoices(customer=customer).select_related("customer")[
                :ACCOUNT_ENTRIES
            ],
            "entries": selectors.ledger_entries(customer=customer)[:ACCOUNT_ENTRIES],
        }
        return Response(AccountOutput(data, context=today_context()).data)


@list_endpoint(
    lists="A customer's ledger (paginated)", output=LedgerEntryOutput, errors=(401, 403, 404)
)
class CustomerLedgerApi(generics.ListAPIView):
    """Every movement of a customer's ledger, newest first, with the balance after each."""

    required_perms = ("customers.view_customer", VIEW_LEDGER)

    queryset = ReceivableEntry.objects.none()  # for the schema; the real one is per customer

    def get_queryset(self):
        customer = get_object_or_404(Customer, pk=self.kwargs["pk"])
        return selectors.ledger_entries(customer=customer)


class CreditHoldInput(StrictInput):
    on_hold = serializers.BooleanField(help_text="true: put on hold; false: release.")
    reason = serializers.CharField(max_length=300)


class CustomerCreditHoldApi(generics.GenericAPIView):
    """A manager puts a customer on credit hold or releases it. A release waives
    the invoices more than a month overdue today; one falling overdue later
    holds the customer again."""

    parser_classes = [JSONInputParser]
    required_perms = ("customers.view_customer", "customers.set_credit_hold")

    def get_queryset(self):
        return Customer.objects.all()

    @extend_schema(
        summary="Set or release a customer's credit hold",
        description="Already in that state: 400 `hold_unchanged`.",
        request=CreditHoldInput,
        responses={200: AccountCustomerOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        customer = self.get_object()
        serializer = CreditHoldInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        customer = customer_set_credit_hold(
            customer=customer,
            user=request.user,
            on_hold=serializer.validated_data["on_hold"],
            reason=serializer.validated_data["reason"],
        )
        return Response(AccountCustomerOutput(customer).data)
