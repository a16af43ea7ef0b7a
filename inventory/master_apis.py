"""Products, warehouses and storage locations over the API: list, read,
create and change through the same services as the pages (history kept)."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_view
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


# GET: the records, searched with ``?q=`` over ``search_fields``; POST: one added
# through the ``create`` service (master_data) and answered in ``serializer_class``.
class _MasterListApi(generics.ListAPIView):
    parser_classes = [JSONInputParser]
    model_name = ""
    search_fields: tuple[str, ...] = ()
    create_input: type[serializers.Serializer]
    create: Callable

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

    def post(self, request):
        data = validated_input(self.create_input, request.data)
        record = type(self).create(user=request.user, **data)
        return Response(self.serializer_class(record).data, status=status.HTTP_201_CREATED)


# GET one record; PATCH: the fields given, changed through the ``update``
# service (master_data), which takes the record by its ``model_name``.
class _MasterDetailApi(DocumentDetailApi):
    parser_classes = [JSONInputParser]
    model_name = ""
    change_input: type[serializers.Serializer]
    update: Callable

    @property
    def required_perms(self):
        return _perms(self, self.model_name)

    def patch(self, request, pk: int):
        record = self.get_object()
        data = validated_input(self.change_input, request.data)
        record = type(self).update(**{self.model_name: record}, user=request.user, **data)
        return Response(self.serializer_class(record).data)


def _master_list(*, lists: str, adds: str, output, create_input, create):
    """A master list's GET and POST: the serializers, the service and the schema."""

    def decorate(cls):
        cls.create_input, cls.create = create_input, staticmethod(create)
        schema = extend_schema(
            summary=adds,
            request=create_input,
            responses={201: output, **error_responses(400, 401, 403)},
        )
        listed = list_endpoint(lists=lists, output=output, parameters=[SearchQuery])(cls)
        return extend_schema_view(post=schema)(listed)

    return decorate


def _master_detail(*, shows: str, changes: str, output, change_input, update):
    """A master record's GET and PATCH: the serializers, the service and the schema."""

    def decorate(cls):
        cls.change_input, cls.update = change_input, staticmethod(update)
        schema = extend_schema(
            summary=changes,
            request=change_input,
            responses={200: output, **error_responses(400, 401, 403, 404)},
        )
        shown = detail_endpoint(shows=shows, output=output)(cls)
        return extend_schema_view(patch=schema)(shown)

    return decorate


@_master_list(
    lists="Products",
    adds="Add a product (manager)",
    output=ProductOutput,
    create_input=ProductInput,
    create=master_data.product_create,
)
class ProductListApi(_MasterListApi):
    """Products (``?q=`` SKU, name or specification)."""

    queryset = Product.objects.order_by("sku")
    model_name = "product"
    search_fields = ("sku", "name", "specification")


@_master_detail(
    shows="One product",
    changes="Change a product (manager)",
    output=ProductOutput,
    change_input=ProductChangeInput,
    update=master_data.product_update,
)
class ProductDetailApi(_MasterDetailApi):
    queryset = Product.objects.all()
    model_name = "product"


@_master_list(
    lists="Warehouses",
    adds="Add a warehouse (manager)",
    output=WarehouseOutput,
    create_input=WarehouseInput,
    create=master_data.warehouse_create,
)
class WarehouseListApi(_MasterListApi):
    """Warehouses (``?q=`` code, name or address)."""

    queryset = Warehouse.objects.order_by("code")
    model_name = "warehouse"
    search_fields = ("code", "name", "address")


@_master_detail(
    shows="One warehouse",
    changes="Change a warehouse (manager)",
    output=WarehouseOutput,
    change_input=WarehouseChangeInput,
    update=master_data.warehouse_update,
)
class WarehouseDetailApi(_MasterDetailApi):
    queryset = Warehouse.objects.all()
    model_name = "warehouse"


@_master_list(
    lists="Storage locations",
    adds="Add a storage location (manager)",
    output=LocationOutput,
    create_input=LocationInput,
    create=master_data.location_create,
)
class LocationListApi(_MasterListApi):
    """Storage locations (``?q=`` code or name)."""

    queryset = Location.objects.order_by("warehouse_id", "code")
    model_name = "location"
    search_fields = ("code", "name")


@_master_detail(
    shows="One storage location",
    changes="Change a storage location (manager)",
    output=LocationOutput,
    change_input=LocationChangeInput,
    update=master_data.location_update,
)
class LocationDetailApi(_MasterDetailApi):
    queryset = Location.objects.all()
    model_name = "location"
