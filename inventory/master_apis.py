"""Products, warehouses and storage locations over the API: list, read,
create and change through the same services as the pages (history kept)."""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from inventory import master_data
from inventory.enums import Unit
from inventory.models import Location, Product, Warehouse
from salesadmin.api import JSONInputParser, StrictInput, error_responses, validated_input
from salesadmin.api_views import DocumentDetailApi, detail_endpoint, list_endpoint

QTY = {"max_digits": 14, "decimal_places": 3}


class ProductOutput(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", *master_data.PRODUCT_FIELDS]


class ProductInput(StrictInput):
    sku = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200)
    specification = serializers.CharField(max_length=200, required=False, allow_blank=True)
    unit = serializers.ChoiceField(choices=Unit.choices)
    standard = serializers.CharField(max_length=100, required=False, allow_blank=True)
    unit_weight = serializers.DecimalField(**QTY, min_value=0, required=False)
    safety_stock = serializers.DecimalField(**QTY, min_value=0, required=False)
    weighed = serializers.BooleanField(required=False)
    active = serializers.BooleanField(required=False)


class ProductChangeInput(ProductInput):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class WarehouseOutput(serializers.ModelSerializer):
    class Meta:
        model = Warehouse
        fields = ["id", *master_data.WAREHOUSE_FIELDS, "holds_for"]


class WarehouseInput(StrictInput):
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=100)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False)


class WarehouseChangeInput(WarehouseInput):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class LocationOutput(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = ["id", "warehouse", *master_data.LOCATION_FIELDS]


class LocationInput(StrictInput):
    warehouse = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.all())
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=100)
    active = serializers.BooleanField(required=False)


class LocationChangeInput(StrictInput):
    code = serializers.CharField(max_length=20, required=False)
    name = serializers.CharField(max_length=100, required=False)
    active = serializers.BooleanField(required=False)


class SearchQuery(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)


def _perms(view, model: str):
    method = view.request.method
    if method == "POST":
        return (f"inventory.view_{model}", f"inventory.add_{model}")
    if method == "PATCH":
        return (f"inventory.view_{model}", f"inventory.change_{model}")
    return (f"inventory.view_{model}",)


class _MasterListApi(generics.ListAPIView):
    parser_classes = [JSONInputParser]
    model_name = ""
    search_fields: tuple[str, ...] = ()

    @property
    def required_perms(self):
        return _perms(self, self.model_name)

    def get_queryset(self):
        query = validated_input(SearchQuery, self.request.query_params)
        rows = self.queryset.all()
        if query.get("q"):
            condition = Q()
            for name in self.search_fields:
                condition |= Q(**{f"{name}__icontains": query["q"]})
            rows = rows.filter(condition)
        return rows


class _MasterDetailApi(DocumentDetailApi):
    parser_classes = [JSONInputParser]
    model_name = ""

    @property
    def required_perms(self):
        return _perms(self, self.model_name)


@list_endpoint(lists="Products", output=ProductOutput, parameters=[SearchQuery])
class ProductListApi(_MasterListApi):
    """Products (``?q=`` SKU, name or specification)."""

    queryset = Product.objects.order_by("sku")
    model_name = "product"
    search_fields = ("sku", "name", "specification")

    @extend_schema(
        summary="Add a product (manager)",
        request=ProductInput,
        responses={201: ProductOutput, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = validated_input(ProductInput, request.data)
        product = master_data.product_create(user=request.user, **data)
        return Response(ProductOutput(product).data, status=status.HTTP_201_CREATED)


@detail_endpoint(shows="One product", output=ProductOutput)
class ProductDetailApi(_MasterDetailApi):
    queryset = Product.objects.all()
    model_name = "product"

    @extend_schema(
        summary="Change a product (manager)",
        request=ProductChangeInput,
        responses={200: ProductOutput, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request, pk: int):
        product = self.get_object()
        data = validated_input(ProductChangeInput, request.data)
        product = master_data.product_update(product=product, user=request.user, **data)
        return Response(ProductOutput(product).data)


@list_endpoint(lists="Warehouses", output=WarehouseOutput, parameters=[SearchQuery])
class WarehouseListApi(_MasterListApi):
    """Warehouses (``?q=`` code, name or address)."""

    queryset = Warehouse.objects.order_by("code")
    model_name = "warehouse"
    search_fields = ("code", "name", "address")

    @extend_schema(
        summary="Add a warehouse (manager)",
        request=WarehouseInput,
        responses={201: WarehouseOutput, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = validated_input(WarehouseInput, request.data)
        warehouse = master_data.warehouse_create(user=request.user, **data)
        return Response(WarehouseOutput(warehouse).data, status=status.HTTP_201_CREATED)


@detail_endpoint(shows="One warehouse", output=WarehouseOutput)
class WarehouseDetailApi(_MasterDetailApi):
    queryset = Warehouse.objects.all()
    model_name = "warehouse"

    @extend_schema(
        summary="Change a warehouse (manager)",
        request=WarehouseChangeInput,
        responses={200: WarehouseOutput, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request, pk: int):
        warehouse = self.get_object()
        data = validated_input(WarehouseChangeInput, request.data)
        warehouse = master_data.warehouse_update(warehouse=warehouse, user=request.user, **data)
        return Response(WarehouseOutput(warehouse).data)


@list_endpoint(lists="Storage locations", output=LocationOutput, parameters=[SearchQuery])
class LocationListApi(_MasterListApi):
    """Storage locations (``?q=`` code or name)."""

    queryset = Location.objects.order_by("warehouse_id", "code")
    model_name = "location"
    search_fields = ("code", "name")

    @extend_schema(
        summary="Add a storage location (manager)",
        request=LocationInput,
        responses={201: LocationOutput, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = validated_input(LocationInput, request.data)
        location = master_data.location_create(user=request.user, **data)
        return Response(LocationOutput(location).data, status=status.HTTP_201_CREATED)


@detail_endpoint(shows="One storage location", output=LocationOutput)
class LocationDetailApi(_MasterDetailApi):
    queryset = Location.objects.all()
    model_name = "location"

    @extend_schema(
        summary="Change a storage location (manager)",
        request=LocationChangeInput,
        responses={200: LocationOutput, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request, pk: int):
        location = self.get_object()
        data = validated_input(LocationChangeInput, request.data)
        location = master_data.location_update(location=location, user=request.user, **data)
        return Response(LocationOutput(location).data)
