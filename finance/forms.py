from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from finance.enums import PaymentMethod
from salesadmin.clock import company_today
from salesadmin.forms import PickerSelect, StyledFormMixin


class CustomerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Customer) -> str:
        return f"{obj.code} {obj.name}"


class PaymentForm(StyledFormMixin, forms.Form):
    """到款: what finance types from the bank statement. The service checks the rules."""

    customer = CustomerChoiceField(
        label=_("Customer"),
        queryset=Customer.objects.filter(active=True).order_by("code"),
        widget=PickerSelect("picker_customers"),
    )
    amount = forms.DecimalField(label=_("Amount"), min_value=0.01, max_digits=14, decimal_places=2)
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    reference = forms.CharField(
        label=_("Bank reference"),
        max_length=60,
        required=False,
        help_text=_("The transfer's reference on the bank statement; one payment per reference."),
    )
    entry_date = forms.DateField(
        label=_("Date received"), widget=forms.DateInput(attrs={"type": "date"})
    )
    payer = forms.CharField(
        label=_("Payer"),
        max_length=200,
        required=False,
        help_text=_("As on the bank statement, when someone else pays for the customer."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    allocation = forms.ChoiceField(
        label=_("Settle"),
        choices=[
            ("auto", _("Open invoices, oldest due first")),
            ("hand", _("The invoices and amounts I enter below")),
        ],
        initial="auto",
        required=False,  # not given: oldest first
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry_date"].initial = company_today()
        self.fields["amount"].widget.attrs.update({"inputmode": "decimal", "step": "0.01"})
        self.fields["allocation"].widget.attrs["class"] = "form-check-input"
        # Choosing the customer shows their open invoices to settle.
        self.fields["customer"].widget.attrs.update(
            {
                "hx-get": reverse("finance:payment_open_invoices"),
                "hx-trigger": "change",
                "hx-target": "#open-invoices",
                "hx-swap": "outerHTML",
            }
        )


class OfficialNumberForm(StyledFormMixin, forms.Form):
    official_number = forms.CharField(
        label=_("Number on the tax invoice"),
        max_length=40,
        help_text=_("Each official number can be on one invoice only."),
    )


class VoidInvoiceForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.TextInput,
        help_text=_("Payments on it become prepayment and settle the other open invoices."),
    )
