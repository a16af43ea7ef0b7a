from django import forms
from django.utils.translation import gettext_lazy as _

from inventory.forms import active_product_field
from orders.models import PriceList
from salesadmin.forms import StyledFormMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PriceListForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = PriceList
        fields = ["code", "name", "valid_from", "valid_to"]
        widgets = {"valid_from": DATE, "valid_to": DATE}


class PriceListVersionForm(PriceListForm):
    copy_from = forms.ModelChoiceField(
        label=_("New version of"),
        queryset=PriceList.objects.order_by("-valid_from"),
        required=False,
        help_text=_("Its items are copied; it ends the day before this version starts."),
    )


class PriceListItemForm(StyledFormMixin, forms.Form):
    product = active_product_field()
    standard_price = forms.DecimalField(
        label=_("Standard price"), min_value=0, max_digits=14, decimal_places=2
    )
    minimum_price = forms.DecimalField(
        label=_("Minimum price"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("Below it a manager approves the order; blank: the standard price."),
    )
