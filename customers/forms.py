from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from customers.enums import CreditTerms
from customers.models import Contact, Customer
from customers.services import GENERAL_FIELDS
from salesadmin.forms import StyledFormMixin


class CustomerForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Customer
        fields = GENERAL_FIELDS
        widgets = {
            "trading_since": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["salesperson"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, groups__name="sales_clerk")
            .distinct()
            .order_by("username")
        )


class ContactForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = ("name", "title", "email", "phone", "is_primary")


ContactFormSet = forms.inlineformset_factory(
    Customer,
    Contact,
    form=ContactForm,
    fields=("name", "title", "email", "phone", "is_primary"),
    extra=1,
    can_delete=True,
)


class CreditTermsForm(StyledFormMixin, forms.Form):
    follow_tenure = forms.BooleanField(
        label=_("Follow tenure defaults"),
        required=False,
        help_text=_("Terms and limit move up automatically as the customer's tenure grows."),
    )
    terms = forms.ChoiceField(label=_("Credit terms"), choices=CreditTerms.choices)
    limit = forms.DecimalField(
        label=_("Credit limit"), min_value=0, max_digits=14, decimal_places=2
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)


class CreditHoldForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
