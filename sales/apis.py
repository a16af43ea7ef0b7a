"""The quotations API: list, create, show, and one endpoint per transition.

Each action validates its input, calls one service from sales/services and
answers with the quotation; ``status`` changes only through the actions.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response

from customers.models import Customer
from inventory.models import Product
from orders.enums import PriceSource
from sales.enums import QuotationStatus
from sales.models import Quotation
from sales.services.quotations import (
    QuotationLineInput,
    quotation_accept,
    quotation_create,
    quotation_decline,
    quotation_send,
)
from salesadmin.api import BulkRelatedField, NamedChoiceField, StrictInput
from salesadmin.api_views import (
    ACTION_ERRORS,
    DocumentActionApi,
    DocumentDetailApi,
    DocumentListCreateApi,
    NoInput,
    detail_endpoint,
    document_answer,
    list_create_endpoint,
)
from salesadmin.transitions import available_transitions

MAX_LINES = 200
QTY = {"max_digits": 14, "decimal_places": 3}
MONEY = {"max_digits": 14, "decimal_places": 2}
VIEW = "sales.view_quotation"
ACTIONS = {"send": "send", "accept": "accept", "decline": "decline"}


def quotations_visible(user) -> QuerySet[Quotation]:
    return Quotation.objects.select_related("customer", "created_by", "sales_order")


class QuotationFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=QuotationStatus.choices)
    customer = filters.ModelChoiceFilter(queryset=Customer.objects.all())

    class Meta:
        model = Quotation
        fields = ["status", "customer"]


class QuotationCustomerRef(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class QuotationProductRef(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()


def _status_field():
    return NamedChoiceField(enum_name="QuotationStatusEnum", choices=QuotationStatus.choices)


class QuotationListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(allow_null=True)
    customer = QuotationCustomerRef(allow_null=True)
    prospect_name = serializers.CharField()
    quote_date = serializers.DateField()
    valid_until = serializers.DateField()
    delivery_date = serializers.DateField()
    status = _status_field()
    total = serializers.DecimalField(**MONEY)
    created_by = serializers.CharField(source="created_by.username")


class QuotationLineOutput(serializers.Serializer):
    position = serializers.IntegerField()
    product = QuotationProductRef()
    quantity = serializers.DecimalField(**QTY)
    unit_price = serializers.DecimalField(**MONEY)
    amount = serializers.DecimalField(**MONEY)
    price_source = NamedChoiceField(enum_name="PriceSourceEnum", choices=PriceSource.choices)


class QuotationDetailOutput(QuotationListOutput):
    prospect_contact = serializers.CharField()
    terms = serializers.CharField()
    decision_comment = serializers.CharField()
    sales_order = serializers.IntegerField(source="sales_order_id", allow_null=True)
    lines = QuotationLineOutput(many=True, source="lines.all")
    available_transitions = serializers.SerializerMethodField(
        help_text="The action endpoints the requesting user may call now."
    )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, quotation) -> list[str]:
        user = self.context["request"].user
        return [
            ACTIONS[t] for t in available_transitions(quotation, "status", user) if t in ACTIONS
        ]


class QuotationLineInputSerializer(StrictInput):
    product = BulkRelatedField(queryset=Product.objects.all())
    quantity = serializers.DecimalField(**QTY)
    unit_price = serializers.DecimalField(
        **MONEY, required=False, allow_null=True, help_text="Omit to take the resolved price."
    )


class QuotationCreateInput(StrictInput):
    customer = BulkRelatedField(queryset=Customer.objects.all(), required=False, allow_null=True)
    prospect_name = serializers.CharField(max_length=200, allow_blank=True, default="")
    prospect_contact = serializers.CharField(max_length=200, allow_blank=True, default="")
    valid_until = serializers.DateField()
    delivery_date = serializers.DateField()
    terms = serializers.CharField(max_length=2000, allow_blank=True, default="")
    lines = QuotationLineInputSerializer(many=True, max_length=MAX_LINES)


def _answer(request, quotation: Quotation, status_code=status.HTTP_200_OK) -> Response:
    rows = quotations_visible(request.user)
    return document_answer(request, rows, QuotationDetailOutput, quotation, status_code)


@list_create_endpoint(
    lists="List quotations",
    output=QuotationListOutput,
    creates="Create a draft quotation (for a customer or a prospect)",
    create_input=QuotationCreateInput,
    answer=QuotationDetailOutput,
)
class QuotationListCreateApi(DocumentListCreateApi):
    """Quotations (报价单): list, newest first; create a draft."""

    view_perm, add_perm = VIEW, "sales.add_quotation"
    filterset_class = QuotationFilter

    def visible(self, user):
        return quotations_visible(user)

    def create(self, user, data):
        return quotation_create(
            user=user,
            customer=data.get("customer"),
            prospect_name=data["prospect_name"],
            prospect_contact=data["prospect_contact"],
            valid_until=data["valid_until"],
            delivery_date=data["delivery_date"],
            terms=data["terms"],
            lines=[
                QuotationLineInput(
                    product=ln["product"], quantity=ln["quantity"], unit_price=ln.get("unit_price")
                )
                for ln in data["lines"]
            ],
        )

    def created(self, request, document):
        return _answer(request, document, status.HTTP_201_CREATED)


@detail_endpoint(shows="Show a quotation", output=QuotationDetailOutput)
class QuotationDetailApi(DocumentDetailApi):
    """One quotation with its lines and what the user may do next."""

    required_perms = (VIEW,)

    def get_queryset(self):
        return quotations_visible(self.request.user)

    def answer(self, request, document):
        return _answer(request, document)


class AcceptInput(StrictInput):
    customer = BulkRelatedField(
        queryset=Customer.objects.all(),
        required=False,
        allow_null=True,
        help_text="For a prospect's quotation: the customer it has become.",
    )


class DeclineInput(StrictInput):
    comment = serializers.CharField(max_length=300, allow_blank=True, default="")


class _ActionApi(DocumentActionApi):
    def get_queryset(self):
        return quotations_visible(self.request.user)

    def answer(self, request, document):
        return _answer(request, document)


@extend_schema_view(
    post=extend_schema(
        summary="Send a draft quotation to the customer",
        request=None,
        responses={200: QuotationDetailOutput, **ACTION_ERRORS},
    )
)
class QuotationSendApi(_ActionApi):
    required_perms = (VIEW, "sales.send_quotation")
    serializer_class = NoInput

    def run(self, user, data):
        return quotation_send(quotation=self.get_object(), user=user)


@extend_schema_view(
    post=extend_schema(
        summary="The customer accepted: create and submit the sales order",
        request=AcceptInput,
        responses={200: QuotationDetailOutput, **ACTION_ERRORS},
    )
)
class QuotationAcceptApi(_ActionApi):
    required_perms = (VIEW, "sales.decide_quotation")
    serializer_class = AcceptInput

    def run(self, user, data):
        return quotation_accept(
            quotation=self.get_object(), user=user, customer=data.get("customer")
        )


@extend_schema_view(
    post=extend_schema(
        summary="The customer declined",
        request=DeclineInput,
        responses={200: QuotationDetailOutput, **ACTION_ERRORS},
    )
)
class QuotationDeclineApi(_ActionApi):
    required_perms = (VIEW, "sales.decide_quotation")
    serializer_class = DeclineInput

    def run(self, user, data):
        return quotation_decline(quotation=self.get_object(), user=user, comment=data["comment"])
