from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from inventory.models import Product
from salesadmin.forms import StyledFormMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CustomerPriceChangeForm(StyledFormMixin, forms.Form):
    price = forms.DecimalField(label=_("Unit price"), min_value=0, max_digits=14, decimal_places=2)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_to = forms.DateField(label=_("Valid to"), widget=DATE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price"].widget.attrs.update({"inputmode": "decimal", "step": "0.01"})


class CustomerPriceForm(CustomerPriceChangeForm):
    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=Customer.objects.filter(active=True).order_by("code")
    )
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.filter(active=True).order_by("sku")
    )
    field_order = ["customer", "product", "price", "valid_from", "valid_to"]


class PriceDecisionForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        max_length=300,
        required=False,
        help_text=_("Required to refuse."),
    )
