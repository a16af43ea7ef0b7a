from rest_framework import generics, serializers

from inventory import selectors
from salesadmin.decimal_input import parse_id


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


class StockListApi(generics.ListAPIView):
    """Stock per product (``?warehouse=<id>``, ``?q=``, ``?below=1``)."""

    required_perms = ("inventory.view_product", "inventory.view_stocklevel")
    serializer_class = StockOutput

    def get_queryset(self):
        params = self.request.query_params
        warehouse = params.get("warehouse", "")
        return selectors.stock_overview(
            warehouse_id=parse_id(warehouse),
            search=params.get("q", ""),
            below_safety=params.get("below") == "1",
        )
