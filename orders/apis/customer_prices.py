"""Customers' agreed prices over the API: list, set, change, and the manager's
approval or refusal of a price below the list. The rules are the service's
(orders.services.customer_prices)."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from customers.enums import PriceApproval
from customers.models import Customer, CustomerPrice
from inventory.models import Product
from orders.services import customer_prices as services
from salesadmin.api import (
    BulkRelatedField,
    JSONInputParser,
    NamedChoiceField,
    StrictInput,
    error_responses,
    validated_input,
)
from salesadmin.api_views import DocumentDetailApi, PermsByMethod, detail_endpoint, list_endpoint

MONEY = {"max_digits": 14, "decimal_places": 2}
VIEW = "customers.view_customerprice"


class CustomerPriceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    customer = serializers.IntegerField(source="customer_id")
    customer_code = serializers.CharField(source="customer.code")
    product = serializers.IntegerField(source="product_id")
    sku = serializers.CharField(source="product.sku")
    price = serializers.DecimalField(**MONEY)
    list_price = serializers.DecimalField(**MONEY, allow_null=True)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)
    approval = NamedChoiceField(
        enum_name="PriceApprovalEnum", choices=PriceApproval.choices, read_only=True
    )
    decision_comment = serializers.CharField()


class CustomerPriceQuery(StrictInput):
    customer = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    approval = serializers.ChoiceField(choices=PriceApproval.values, required=False)
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)


class CustomerPriceChangeInput(StrictInput):
    price = serializers.DecimalField(**MONEY, min_value=0)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True)
    protected_fields = frozenset({"status", "approval"})


class CustomerPriceInput(CustomerPriceChangeInput):
    customer = BulkRelatedField(queryset=Customer.objects.all())
    product = BulkRelatedField(queryset=Product.objects.all())


class DecisionInput(StrictInput):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


def _queryset():
    return CustomerPrice.objects.select_related("customer", "product").order_by(
        "customer__code", "product__sku", "-valid_from"
    )


@list_endpoint(lists="Agreed prices", output=CustomerPriceOutput, parameters=[CustomerPriceQuery])
class CustomerPriceListApi(PermsByMethod, generics.ListCreateAPIView):
    """Agreed prices (``?customer=<id>``, ``?approval=pending``, ``?q=``)."""

    parser_classes = [JSONInputParser]

    view_perm, write_perm = VIEW, "customers.add_customerprice"
    write_methods = ("POST",)

    def get_queryset(self):
        query = validated_input(CustomerPriceQuery, self.request.query_params)
        prices = _queryset()
        if "customer" in query:
            prices = prices.filter(customer_id=query["customer"])
        if "approval" in query:
            prices = prices.filter(approval=query["approval"])
        if query.get("q"):
            q = query["q"]
            prices = prices.filter(
                Q(customer__code__icontains=q)
                | Q(customer__name__icontains=q)
                | Q(product__sku__icontains=q)
                | Q(product__name__icontains=q)
            )
        return prices

    @extend_schema(
        summary="Set a customer's agreed price (below the list it waits for a manager)",
        request=CustomerPriceInput,
        responses={201: CustomerPriceOutput, **error_responses(400, 401, 403)},
    )
    def post(self, request, *args, **kwargs):
        data = validated_input(CustomerPriceInput, request.data)
        cp = services.customer_price_create(user=request.user, **data)
        return Response(CustomerPriceOutput(cp).data, status=status.HTTP_201_CREATED)


@detail_endpoint(shows="One agreed price", output=CustomerPriceOutput)
class CustomerPriceDetailApi(PermsByMethod, DocumentDetailApi):
    parser_classes = [JSONInputParser]

    view_perm, write_perm = VIEW, "customers.change_customerprice"
    write_methods = ("PATCH",)

    def get_queryset(self):
        return _queryset()

    @extend_schema(
        summary="Change an agreed price or its dates (decided again against the list)",
        request=CustomerPriceChangeInput,
        responses={200: CustomerPriceOutput, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request, pk: int):
        cp = self.get_object()
        data = validated_input(CustomerPriceChangeInput, request.data)
        data.setdefault("valid_to", None)
        cp = services.customer_price_update(customer_price=cp, user=request.user, **data)
        return Response(CustomerPriceOutput(_queryset().get(pk=cp.pk)).data)


class _DecisionApi(generics.GenericAPIView):
    required_perms = (VIEW, services.APPROVE)
    serializer_class = DecisionInput
    parser_classes = [JSONInputParser]

    def get_queryset(self):
        return _queryset()

    def decide(self, request, pk: int, service):
        cp = get_object_or_404(CustomerPrice, pk=pk)
        data = validated_input(DecisionInput, request.data)
        cp = service(customer_price=cp, user=request.user, comment=data["comment"])
        return Response(CustomerPriceOutput(_queryset().get(pk=cp.pk)).data)


class CustomerPriceApproveApi(_DecisionApi):
    @extend_schema(
        summary="Approve an agreed price below the list (manager)",
        request=DecisionInput,
        responses={200: CustomerPriceOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        return self.decide(request, pk, services.customer_price_approve)


class CustomerPriceRefuseApi(_DecisionApi):
    @extend_schema(
        summary="Refuse an agreed price below the list, saying why (manager)",
        request=DecisionInput,
        responses={200: CustomerPriceOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        return self.decide(request, pk, services.customer_price_refuse)
