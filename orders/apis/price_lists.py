"""Price lists over the API: versions with their items, a new version, a change
of dates or name, and one item set; the services keep the history."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from inventory.models import Product
from orders.models import PriceList
from orders.services import price_lists as services
from salesadmin.api import (
    BulkRelatedField,
    JSONInputParser,
    StrictInput,
    error_responses,
    validated_input,
)
from salesadmin.api_views import DocumentDetailApi, PermsByMethod, detail_endpoint, list_endpoint

MONEY = {"max_digits": 14, "decimal_places": 2}


class PriceListItemOutput(serializers.Serializer):
    product = serializers.IntegerField(source="product_id")
    sku = serializers.CharField(source="product.sku")
    standard_price = serializers.DecimalField(**MONEY)
    minimum_price = serializers.DecimalField(**MONEY)


class PriceListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)


class PriceListDetailOutput(PriceListOutput):
    items = PriceListItemOutput(many=True)


class PriceListInput(StrictInput):
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=100)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True)
    copy_from = BulkRelatedField(
        queryset=PriceList.objects.all(),
        required=False,
        allow_null=True,
        help_text="A new version of this list: its items are copied; it ends the day before.",
    )


class PriceListChangeInput(StrictInput):
    code = serializers.CharField(max_length=20, required=False)
    name = serializers.CharField(max_length=100, required=False)
    valid_from = serializers.DateField(required=False)
    valid_to = serializers.DateField(required=False, allow_null=True)


class PriceListItemInput(StrictInput):
    product = BulkRelatedField(queryset=Product.objects.all())
    standard_price = serializers.DecimalField(**MONEY, min_value=0)
    minimum_price = serializers.DecimalField(**MONEY, min_value=0, required=False, allow_null=True)


def _detail(pk: int) -> PriceList:
    return PriceList.objects.prefetch_related("items__product").get(pk=pk)


@list_endpoint(lists="Price lists", output=PriceListOutput)
class PriceListListApi(PermsByMethod, generics.ListAPIView):
    """Price list versions, newest first."""

    queryset = PriceList.objects.order_by("-valid_from", "code")
    parser_classes = [JSONInputParser]

    view_perm, write_perm = "orders.view_pricelist", "orders.add_pricelist"
    write_methods = ("POST",)

    @extend_schema(
        summary="Add a price list or a new version of one (manager)",
        request=PriceListInput,
        responses={201: PriceListDetailOutput, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = validated_input(PriceListInput, request.data)
        price_list = services.price_list_create(user=request.user, **data)
        return Response(
            PriceListDetailOutput(_detail(price_list.pk)).data, status=status.HTTP_201_CREATED
        )


@detail_endpoint(shows="One price list with its items", output=PriceListDetailOutput)
class PriceListDetailApi(PermsByMethod, DocumentDetailApi):
    queryset = PriceList.objects.all()
    parser_classes = [JSONInputParser]

    view_perm, write_perm = "orders.view_pricelist", "orders.change_pricelist"
    write_methods = ("PATCH",)

    def answer(self, request, price_list):
        return Response(PriceListDetailOutput(_detail(price_list.pk)).data)

    @extend_schema(
        summary="Change a price list's code, name or dates (manager)",
        request=PriceListChangeInput,
        responses={200: PriceListDetailOutput, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request, pk: int):
        price_list = self.get_object()
        data = validated_input(PriceListChangeInput, request.data)
        services.price_list_update(price_list=price_list, user=request.user, **data)
        return Response(PriceListDetailOutput(_detail(pk)).data)


class PriceListItemSetApi(generics.GenericAPIView):
    queryset = PriceList.objects.all()
    serializer_class = PriceListItemInput
    parser_classes = [JSONInputParser]
    required_perms = ("orders.view_pricelist", "orders.change_pricelist")

    @extend_schema(
        summary="Set one product's prices on a price list (manager)",
        request=PriceListItemInput,
        responses={200: PriceListDetailOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        price_list = self.get_object()
        data = validated_input(PriceListItemInput, request.data)
        services.price_list_item_set(price_list=price_list, user=request.user, **data)
        return Response(PriceListDetailOutput(_detail(pk)).data)
