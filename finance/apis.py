"""The finance API: payments received (到款) and their allocation, invoices,
a customer's receivable account and ledger, credit holds."""

from __future__ import annotations

from django.db.models import F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from customers.enums import CreditTerms
from customers.models import Customer
from customers.services import customer_set_credit_hold
from finance import invoicing, selectors
from finance.allocation import HandAllocation
from finance.enums import EntryKind, InvoiceStatus, PaymentMethod
from finance.models import Invoice, PaymentAllocation, ReceivableEntry
from finance.services import payment_record
from salesadmin.api import (
    JSONInputParser,
    NamedChoiceField,
    Pagination,
    StrictInput,
    error_responses,
)
from salesadmin.clock import company_today

MONEY = {"max_digits": 14, "decimal_places": 2}
VIEW_LEDGER = "finance.view_receivableentry"
# The account shows the latest entries; a statement for a period is its own report.
ACCOUNT_ENTRIES = 100


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
        description=(
            "A reference already booked is refused with 400 `duplicate_reference`; "
            "allocating more than an invoice's open amount or than the payment with "
            "400 `over_allocation`; a paid or void invoice with 409 `invoice_not_open`."
        ),
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
            payer=data["payer"],
            allocations=_hand_allocations(data.get("allocations")),
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


def _today_context() -> dict:
    return {"today": company_today()}


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
        return Response(AccountOutput(data, context=_today_context()).data)


class CustomerLedgerApi(generics.ListAPIView):
    """Every movement of a customer's ledger, newest first, with the balance after each."""

    pagination_class = Pagination
    serializer_class = LedgerEntryOutput
    required_perms = ("customers.view_customer", VIEW_LEDGER)

    queryset = ReceivableEntry.objects.none()  # for the schema; the real one is per customer

    def get_queryset(self):
        customer = get_object_or_404(Customer, pk=self.kwargs["pk"])
        return selectors.ledger_entries(customer=customer)

    @extend_schema(
        summary="A customer's ledger (paginated)",
        responses={200: LedgerEntryOutput(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# --- Invoices -----------------------------------------------------------------------------


class InvoiceFilter(filters.FilterSet):
    customer = filters.ModelChoiceFilter(queryset=Customer.objects.all())
    status = filters.ChoiceFilter(choices=InvoiceStatus.choices)
    overdue = filters.BooleanFilter(method="filter_overdue", help_text="Open and past due.")
    due_from = filters.DateFilter(field_name="due_date", lookup_expr="gte")
    due_to = filters.DateFilter(field_name="due_date", lookup_expr="lte")
    q = filters.CharFilter(method="filter_q", help_text="Number, official number or customer.")

    class Meta:
        model = Invoice
        fields = ["customer", "status", "overdue", "due_from", "due_to", "q"]

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


class InvoiceListApi(generics.ListAPIView):
    """Invoices, newest first."""

    pagination_class = Pagination
    serializer_class = InvoiceOutput
    filterset_class = InvoiceFilter
    required_perms = (VIEW_INVOICES,)

    def get_queryset(self):
        return selectors.invoice_list()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), **_today_context()}

    @extend_schema(
        summary="List invoices",
        responses={200: InvoiceOutput(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class InvoiceDetailApi(generics.GenericAPIView):
    """One invoice with its delivery notes and the payments allocated to it."""

    required_perms = (VIEW_INVOICES,)

    @extend_schema(
        summary="An invoice",
        responses={200: InvoiceDetailOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        invoice = selectors.invoice_detail(pk=pk)
        return Response(InvoiceDetailOutput(invoice, context=_today_context()).data)


def _invoice_answer(invoice: Invoice, status_code=status.HTTP_200_OK) -> Response:
    invoice = selectors.invoice_detail(pk=invoice.pk)
    return Response(InvoiceDetailOutput(invoice, context=_today_context()).data, status=status_code)


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
        return Response(InvoiceRunOutput(data, context=_today_context()).data)


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
        serializer = OfficialNumberInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        invoicing.invoice_set_official_number(
            invoice=invoice,
            user=request.user,
            official_number=serializer.validated_data["official_number"],
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
        serializer = InvoiceVoidInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        invoicing.invoice_void(
            invoice=invoice, user=request.user, reason=serializer.validated_data["reason"]
        )
        return _invoice_answer(invoice)


# --- Credit hold ----------------------------------------------------------------------------


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
