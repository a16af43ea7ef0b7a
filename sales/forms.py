from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from inventory.models import Product
from salesadmin.forms import PickerSelect


class QuotationForm(forms.Form):
    customer = forms.ModelChoiceField(
        Customer.objects.filter(active=True),
        required=False,
        label=_("Customer"),
        widget=PickerSelect("picker_customers"),
    )
    prospect_name = forms.CharField(max_length=200, required=False, label=_("Prospect"))
    prospect_contact = forms.CharField(max_length=200, required=False, label=_("Prospect contact"))
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput({"type": "date"}))
    delivery_date = forms.DateField(
        label=_("Delivery date"), widget=forms.DateInput({"type": "date"})
    )
    terms = forms.CharField(required=False, label=_("Terms"), widget=forms.Textarea({"rows": 3}))


class QuotationLineForm(forms.Form):
    product = forms.ModelChoiceField(
        Product.objects.filter(active=True),
        required=False,
        label=_("Product"),
        widget=PickerSelect("picker_products"),
    )
    quantity = forms.DecimalField(
        max_digits=14, decimal_places=3, required=False, label=_("Quantity")
    )
    unit_price = forms.DecimalField(
        max_digits=14, decimal_places=2, required=False, label=_("Unit price")
    )


QuotationLineFormSet = formset_factory(QuotationLineForm, extra=5, max_num=200)
