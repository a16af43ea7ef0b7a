from django.contrib import admin

from inventory.models import (
    Batch,
    BatchLevel,
    Product,
    ReservationMove,
    StockLevel,
    StockMove,
    Warehouse,
)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "specification", "unit", "standard", "safety_stock", "active"]
    list_filter = ["unit", "weighed", "active"]
    search_fields = ["sku", "name", "specification", "standard"]


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "active"]
    search_fields = ["code", "name"]


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ["number", "product", "produced_on"]
    list_filter = ["produced_on"]
    search_fields = ["number", "product__sku", "product__name"]
    list_select_related = ["product"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Levels and ledgers change only through the stock services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyAdmin):
    list_display = ["product", "warehouse", "on_hand", "reserved"]
    list_filter = ["warehouse"]
    search_fields = ["product__sku", "product__name"]
    list_select_related = ["product", "warehouse"]


@admin.register(BatchLevel)
class BatchLevelAdmin(ReadOnlyAdmin):
    list_display = ["product", "warehouse", "batch", "on_hand"]
    list_filter = ["warehouse"]
    search_fields = ["product__sku", "batch__number"]
    list_select_related = ["product", "warehouse", "batch"]


@admin.register(StockMove)
class StockMoveAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "product", "warehouse", "batch", "quantity", "reference"]
    list_filter = ["kind", "warehouse"]
    search_fields = ["product__sku", "batch__number", "reference"]
    list_select_related = ["product", "warehouse", "batch"]


@admin.register(ReservationMove)
class ReservationMoveAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "product", "warehouse", "quantity", "reference"]
    list_filter = ["warehouse"]
    search_fields = ["product__sku", "reference"]
    list_select_related = ["product", "warehouse"]
