from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.master_data import LOCATION_FIELDS, PRODUCT_FIELDS, WAREHOUSE_FIELDS
from inventory.models import Location, Product, Warehouse
from salesadmin.forms import PickerSelect, StyledFormMixin


def active_product_field() -> forms.ModelChoiceField:
    """A product chosen among the active ones, searched on the server."""
    return forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.filter(active=True).order_by("sku"),
        widget=PickerSelect("picker_products"),
    )


class ProductionReceiptForm(StyledFormMixin, forms.Form):
    product = active_product_field()
    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"),
        queryset=Warehouse.objects.filter(active=True, holds_for__isnull=True).order_by("code"),
    )
    batch_number = forms.CharField(label=_("Batch number"), max_length=40)
    produced_on = forms.DateField(
        label=_("Produced on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    quantity = forms.DecimalField(
        label=_("Quantity"), min_value=0.001, max_digits=14, decimal_places=3
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["produced_on"].initial = timezone.localdate()
        self.fields["quantity"].widget.attrs.update({"inputmode": "decimal", "step": "0.001"})


class ProductForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Product
        fields = list(PRODUCT_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("unit_weight", "safety_stock"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "0.001"})
            value = self.initial.get(name)
            if value is not None:  # 0.800 shows as 0.8, as people write it
                self.initial[name] = f"{value.normalize():f}"
        # Not known yet for many products: empty means none (0.00).
        self.fields["standard_cost"].required = False

    def clean_standard_cost(self):
        return self.cleaned_data.get("standard_cost") or Decimal("0.00")


class WarehouseForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Warehouse
        fields = list(WAREHOUSE_FIELDS)


class LocationForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Location
        fields = list(LOCATION_FIELDS)
