from django import forms
from django.contrib.auth import get_user_model
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from inventory.enums import Unit
from inventory.models import Product
from sales.enums import CommissionBasis
from sales.models import SalesTeam
from salesadmin.forms import PickerSelect, StyledFormMixin


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


# --- The sales app's master data (product groups, teams, commission rules) ---------
class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


def _active_people():
    return get_user_model().objects.filter(is_active=True).order_by("username")


class ProductGroupForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=100)
    unit = forms.ChoiceField(
        label=_("Unit"),
        choices=[("", _("None: amounts only"))] + list(Unit.choices),
        required=False,
        help_text=_("With a unit, targets also set quantities for the group."),
    )
    products = forms.ModelMultipleChoiceField(
        Product.objects.filter(active=True).order_by("sku"),
        label=_("Products"),
        required=False,
        widget=forms.SelectMultiple({"size": 10}),
        help_text=_("A product counts in one group only."),
    )


class SalesTeamForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    members = PeopleChoiceField(
        _active_people(),
        label=_("Members"),
        required=False,
        widget=forms.SelectMultiple({"size": 10}),
    )


class CommissionRuleForm(StyledFormMixin, forms.Form):
    salesperson = PersonChoiceField(_active_people(), label=_("Salesperson"), required=False)
    team = forms.ModelChoiceField(SalesTeam.objects.all(), label=_("Team"), required=False)
    basis = forms.ChoiceField(label=_("Basis"), choices=CommissionBasis.choices)
    rate = forms.DecimalField(
        label=_("Rate (%)"), max_digits=6, decimal_places=3, min_value=0, max_value=100
    )
    valid_from = forms.DateField(
        label=_("From month"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput({"type": "month"}, format="%Y-%m"),
        help_text=_("The rule counts from this month on; a closed month keeps its figures."),
    )
