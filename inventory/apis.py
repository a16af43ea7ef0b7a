from rest_framework import generics, serializers

from inventory import selectors
from salesadmin.api import validated_input
from salesadmin.api_views import list_endpoint


class StockOutput(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    specification = serializers.CharField()
    unit = serializers.CharField()
    safety_stock = serializers.DecimalField(max_digits=14, decimal_places=3)
    on_hand = serializers.DecimalField(source="on_hand_total", max_digits=14, decimal_places=3)
    reserved = serializers.DecimalField(source="reserved_total", max_digits=14, decimal_places=3)
    available = serializers.DecimalField(source="available_total", max_digits=14, decimal_places=3)
    held = serializers.DecimalField(
        source="held_total",
        max_digits=14,
        decimal_places=3,
        help_text="Returned goods that failed inspection: on hand, never available.",
    )
    below_safety = serializers.BooleanField()


class StockQuery(serializers.Serializer):
    warehouse = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="One warehouse's stock only."
    )
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="SKU, name or specification."
    )
    below = serializers.BooleanField(
        required=False, help_text="Only products whose available stock is below safety stock."
    )


@list_endpoint(lists="Stock per product", output=StockOutput, parameters=[StockQuery])
class StockListApi(generics.ListAPIView):
    """Stock per product (``?warehouse=<id>``, ``?q=``, ``?below=1``)."""

    required_perms = ("inventory.view_product", "inventory.view_stocklevel")

    def get_queryset(self):
        query = validated_input(StockQuery, self.request.query_params)
        return selectors.stock_overview(
            warehouse_id=query.get("warehouse"),
            search=query.get("q", ""),
            below_safety=query.get("below", False),
        )
