from django.contrib import admin

from customers.models import Contact, CreditChange, Customer, CustomerPrice


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class CustomerPriceInline(admin.TabularInline):
    model = CustomerPrice
    extra = 0
    autocomplete_fields = ["product"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "salesperson",
        "trading_since",
        "credit_terms",
        "credit_limit",
        "on_credit_hold",
        "active",
    ]
    list_filter = ["credit_terms", "on_credit_hold", "credit_terms_custom", "active", "salesperson"]
    search_fields = ["code", "name", "tax_id", "contacts__name", "contacts__phone"]
    list_select_related = ["salesperson"]
    inlines = [ContactInline, CustomerPriceInline]
    # Credit goes through the services so that every change is logged.
    readonly_fields = [
        "credit_terms",
        "credit_limit",
        "credit_terms_custom",
        "on_credit_hold",
        "credit_hold_reason",
        "credit_hold_since",
    ]


@admin.register(CustomerPrice)
class CustomerPriceAdmin(admin.ModelAdmin):
    list_display = ["customer", "product", "price", "valid_from", "valid_to"]
    list_filter = ["valid_from"]
    search_fields = ["customer__code", "customer__name", "product__sku", "product__name"]
    autocomplete_fields = ["customer", "product"]
    list_select_related = ["customer", "product"]


@admin.register(CreditChange)
class CreditChangeAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "customer", "field", "old_value", "new_value", "changed_by"]
    list_filter = ["field"]
    search_fields = ["customer__code", "customer__name", "reason"]
    list_select_related = ["customer", "changed_by"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
