"""Forms of the sales order pages. They only parse input; the services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from inventory.models import Product, Warehouse
from orders.enums import PickupMode
from salesadmin.forms import PickerSelect, StyledFormMixin

LINE_PREFIX = "lines"


class ProductSelect(PickerSelect):
    """A searchable product picker whose chosen option carries the unit, shown next to
    the quantity."""

    def __init__(self, attrs=None, choices=()):
        super().__init__("picker_products", attrs, choices)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        product = getattr(value, "instance", None)
        if product is not None:
            option["attrs"]["data-unit"] = product.get_unit_display()
        return option


class SalesOrderForm(StyledFormMixin, forms.Form):
    customer = forms.ModelChoiceField(
        label=_("Customer"),
        queryset=Customer.objects.filter(active=True).order_by("code"),
        empty_label=_("Choose a customer"),
        widget=PickerSelect("picker_customers"),
    )
    pickup_mode = forms.ChoiceField(
        label=_("Pickup mode"),
        choices=PickupMode.choices,
        initial=PickupMode.SELF_PICKUP,
        widget=forms.RadioSelect,
    )
    remarks = forms.CharField(label=_("Remarks"), max_length=300, required=False)

    def __init__(self, *args, customer_locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # A draft keeps its customer: sales_order_update changes lines, not the buyer.
        if customer_locked:
            self.fields["customer"].disabled = True
        else:
            self.fields["customer"].widget.attrs["autofocus"] = True
        self.fields["pickup_mode"].widget.attrs["class"] = "form-check-input"


class OrderLineForm(StyledFormMixin, forms.Form):
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.filter(active=True).order_by("sku"),
        empty_label=_("Choose a product"),
        widget=ProductSelect,
    )
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=14, decimal_places=3, min_value=Decimal("0.001")
    )
    unit_price = forms.DecimalField(
        label=_("Unit price"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Leave empty for the customer's or the list price."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"].widget.attrs.update({"inputmode": "decimal", "step": "any"})
        self.fields["unit_price"].widget.attrs.update({"inputmode": "decimal", "step": "any"})


class OrderLineFormSet(forms.BaseFormSet):
    """Rows are added and removed in the browser, so every row is optional here:
    a blank or missing row is left out, and the service refuses an order with none."""

    def initial_form_count(self):
        return 0

    def total_form_count(self):
        if self.is_bound:
            return super().total_form_count()
        return max(len(self.initial or []), 1)


LineFormSet = forms.formset_factory(OrderLineForm, formset=OrderLineFormSet, extra=0)


def line_formset(data=None, *, initial=None) -> OrderLineFormSet:
    return LineFormSet(data, initial=initial, prefix=LINE_PREFIX)


def line_form(index: int) -> OrderLineForm:
    """One new row, as the formset would have built it at ``index``."""
    return OrderLineForm(
        prefix=f"{LINE_PREFIX}-{index}", empty_permitted=True, use_required_attribute=False
    )


class NoteIssueForm(StyledFormMixin, forms.Form):
    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"),
        queryset=Warehouse.objects.filter(active=True, holds_for__isnull=True).order_by("code"),
        empty_label=None,
    )
    vehicle_plate = forms.CharField(label=_("Vehicle plate"), max_length=20, required=False)
    driver = forms.CharField(label=_("Driver"), max_length=50, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].widget.attrs["autofocus"] = True


class IssueQuantityForm(StyledFormMixin, forms.Form):
    quantity = forms.DecimalField(
        label=_("Quantity to issue"), max_digits=14, decimal_places=3, min_value=0
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"].widget.attrs.update({"inputmode": "decimal", "step": "any"})
