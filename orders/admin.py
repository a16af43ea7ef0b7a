from django.contrib import admin

from orders.models import PriceList, PriceListItem


class PriceListItemInline(admin.TabularInline):
    model = PriceListItem
    extra = 0
    autocomplete_fields = ["product"]


@admin.register(PriceList)
class PriceListAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "valid_from", "valid_to"]
    search_fields = ["code", "name"]
    inlines = [PriceListItemInline]


@admin.register(PriceListItem)
class PriceListItemAdmin(admin.ModelAdmin):
    list_display = ["price_list", "product", "standard_price", "minimum_price"]
    list_filter = ["price_list"]
    search_fields = ["product__sku", "product__name"]
    list_select_related = ["price_list", "product"]
    autocomplete_fields = ["product"]
